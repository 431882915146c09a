"""Live Yjs documents: the sync protocol, the room store, fan-out, compaction and history."""
