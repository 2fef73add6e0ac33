"""Orders: parent orders, child orders, their states, and cumulative-fill tracking."""
