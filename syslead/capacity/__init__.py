"""The capacity ledger: per leader per academic year, the days released, committed, signed,
delivered, invoiced and remaining, and the day arithmetic every area shares (docs/rules.md:
Capacity; docs/architecture.md for where it sits among the areas)."""
