"""Regional-revitalization programmes: catalogue, applications and review, budgets, disbursements,
placements, hometown registrations and open grants data.
"""
