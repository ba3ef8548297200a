"""The Twilio adapter: voice webhook (TwiML for the plan), consent keypresses, recording-status
callbacks, and a Recordings API client for secure pauses.

Every webhook is authenticated by Twilio's `X-Twilio-Signature`, never by a bearer token.

Setting it up:
1. `CALLWARDEN_TWILIO_AUTH_TOKEN` (signatures), `CALLWARDEN_TWILIO_ACCOUNT_SID` (optional for the
   webhooks, where it pins the account; needed for pause/resume), and `CALLWARDEN_PUBLIC_BASE_URL`,
   the origin Twilio reaches, e.g. `https://callwarden.example.com`: signatures cover the URL.
2. In Twilio's console, the number's "A call comes in" webhook, HTTP POST:
   `<public base URL>/v1/adapters/twilio/voice`, optionally with `?queue=<policy queue>`,
   `&language=<script language>` and `&next=<URL of the TwiML that routes the call on>`.
   Outbound calls use the same URL as the call's `Url`.
3. Nothing else: the TwiML carries the consent action and recording-status callback URLs.
"""
