"""Output for people and other tools: text tables, exports, the timeline."""
