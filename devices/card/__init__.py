"""The card: PC/SC transport, the SSC application protocol, the software card."""
