"""The resident register: residents, households, addresses, life events, the local-government code
master, and the access log of every lookup.
"""
