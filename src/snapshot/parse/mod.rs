//! The streaming `.heapsnapshot` reader (being written).
