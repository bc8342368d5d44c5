"""Suspended voting rights (選挙権停止): notices, their lifting, and the roll's mark (表示, art. 27)."""
