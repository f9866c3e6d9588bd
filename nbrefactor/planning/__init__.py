"""Planning: decide what moves into the package, with which parameters, and what stays."""
