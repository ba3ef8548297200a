"""`callwarden demo`: a synthetic month of calls, recordings and findings for trying the console.

`scenarios` and `talk` say what the month holds (plain values), `audio` makes its sounds,
`phone` and `flow` play each call through the calls service as a phone system would, `people`
and `prompts` set up the organisation, `fill` runs it all and `cli` is the command.
"""
