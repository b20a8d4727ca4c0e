"""Pictures, audio, video and documents: checking, scrubbing and resizing them, and finding location in them."""
