//! Memory-metric exports: format sniffing, parsers into time series, and trend analysis.
