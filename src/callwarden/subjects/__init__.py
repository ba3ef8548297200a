"""Data-subject requests (GDPR Art. 15 and 17, UK GDPR, CCPA/CPRA): find, export, erase."""
