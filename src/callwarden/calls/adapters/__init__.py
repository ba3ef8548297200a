"""Telephony adapters: each speaks one phone system's protocol and turns it into calls and events.

An adapter never decides anything itself. It creates calls and reports events through the call
service, so the decision engine, the state machine and the audit trail treat a call from Twilio
exactly like one from any other integration.
"""
