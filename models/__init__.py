"""models: the building blocks of numpy neural networks, in the course notation."""
