"""imports pages of the indicator system."""

urls: list = []
