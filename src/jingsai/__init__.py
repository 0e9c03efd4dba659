"""Jingsai (竞赛): a trade union's platform for labour and skills competitions."""
