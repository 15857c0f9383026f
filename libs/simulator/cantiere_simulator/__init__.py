"""A seeded programme played through the services' real APIs, as the partners would, on the development clock."""
