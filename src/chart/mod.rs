//! Charts drawn with plotters into SVG strings, the same drawing for the page, the CLI and the tests.
