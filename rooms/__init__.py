"""Rooms, memberships and roles, invites, chat commands and who may do what."""
