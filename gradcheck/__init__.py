"""gradcheck: numerical gradient checks that say which gradient is wrong, where and how."""
