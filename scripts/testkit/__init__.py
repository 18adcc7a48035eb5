"""Development kit shared by tests and scripts: demo PKI, CMS/PDF/OFD signers, attack builders.

Never imported by ``checker``.  Keys under ``demo_ca/`` are DEMO keys, public on purpose.
"""
