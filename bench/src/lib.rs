//! Benchmarks live in `benches/`; this library only gives them a package to belong to.
