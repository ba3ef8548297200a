"""Outbound mail: an outbox table written in the deciding transaction, and a job that sends it.

Its own small part because nothing in it is about training: any domain queues a message with a
dedupe key, and the sender (SMTP, standard library) delivers it at least once.
"""
