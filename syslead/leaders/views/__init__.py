"""The system leaders pages, one module per part of the area: profiles, the directory,
designations, association, release and capacity, training."""
