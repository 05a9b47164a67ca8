"""Parameter spaces, models, sweeps, comparative statics and claims."""
