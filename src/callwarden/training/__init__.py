"""Employee training and awareness: courses, quizzes, and what a policy change asks of staff.

The modules here are pure (values in, values out): the course document's shape, quiz scoring,
Markdown made safe for the console, and whether a policy change is material. The tables,
services, pages and mail that use them sit above them.
"""
