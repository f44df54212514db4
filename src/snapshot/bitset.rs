//! A fixed-size set of small integers (node or edge indices), one bit each.

/// A set of indices below a fixed bound.
#[derive(Debug, Clone, Default)]
pub struct BitSet {
    words: Vec<u64>,
}

impl BitSet {
    /// An empty set able to hold indices `0..len`.
    pub fn new(len: usize) -> Self {
        BitSet { words: vec![0; len.div_ceil(64)] }
    }

    pub fn insert(&mut self, i: usize) {
        self.words[i / 64] |= 1 << (i % 64);
    }

    pub fn contains(&self, i: usize) -> bool {
        self.words.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// A writer that fills a set of `len` indices in order, one bit per index, a word at a time.
    pub fn word_writer(len: usize) -> WordWriter {
        WordWriter { words: Vec::with_capacity(len.div_ceil(64)), word: 0, bit: 0 }
    }
}

/// Builds a [`BitSet`] from bits given in index order (see [`BitSet::word_writer`]).
pub struct WordWriter {
    words: Vec<u64>,
    word: u64,
    bit: u32,
}

impl WordWriter {
    /// Adds the next index, in the set when `member`.
    #[inline]
    pub fn push(&mut self, member: bool) {
        self.word |= u64::from(member) << self.bit;
        self.bit += 1;
        if self.bit == 64 {
            self.words.push(self.word);
            self.word = 0;
            self.bit = 0;
        }
    }

    /// The set of the indices pushed as members.
    pub fn finish(mut self) -> BitSet {
        if self.bit > 0 {
            self.words.push(self.word);
        }
        BitSet { words: self.words }
    }
}
