"""The requests and brokering pages, one module per part: requests (asking, the caseload, the
request page), brokering (shortlists, approaches, the school's choice), sharing between brokers,
batch allocation, and the reports (schools that could benefit, unmet demand)."""
