"""The consortium's placements service: intake, hosts, safe matching, agreements, running internships, follow-up."""
