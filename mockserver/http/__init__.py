"""The Flask edge: reads requests (bearer, body, credentials), renders answers, and the blueprints."""
