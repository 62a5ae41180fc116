//! Where the quotes of a short line are, found sixteen bytes at a time.
//!
//! Most of the work of reading a JSON line is finding where each string ends. In a line
//! without a backslash every quote delimits a string, so a bitmap of quote positions turns
//! that into a bit scan per string. Lines with a backslash (escapes; measured slower to
//! handle here than in the byte scanner) and lines longer than [`MAX_LINE`] get no map.

/// Longest line given a map; longer lines are rare and scanned byte by byte.
pub const MAX_LINE: usize = 512;

pub struct QuoteMap {
    /// Bit `k % 64` of word `k / 64` is set when byte `k` is a `"`.
    quotes: [u64; MAX_LINE / 64],
}

impl QuoteMap {
    pub fn empty() -> QuoteMap {
        QuoteMap { quotes: [0; MAX_LINE / 64] }
    }

    /// `None` when the line is longer than [`MAX_LINE`] or has a backslash.
    pub fn new(s: &[u8]) -> Option<QuoteMap> {
        let mut map = QuoteMap::empty();
        map.fill(s).then_some(map)
    }

    /// Maps `s` into an empty map (built in place: the map is too big to move around on
    /// every line); `false` when the line is longer than [`MAX_LINE`] or has a backslash.
    #[inline]
    pub fn fill(&mut self, s: &[u8]) -> bool {
        if s.len() > MAX_LINE {
            return false;
        }
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2 (checked just above; std caches the answer).
            return unsafe { self.fill_avx2(s) };
        }
        self.fill_sse2(s)
    }

    /// [`QuoteMap::fill`] sixteen bytes at a time, on any x86_64 (or portably elsewhere).
    fn fill_sse2(&mut self, s: &[u8]) -> bool {
        let groups = s.len() / 64;
        let mut any = 0u32;
        for (w, word) in self.quotes.iter_mut().enumerate().take(groups) {
            let at = w * 64;
            let (q0, b0) = masks(s, at);
            let (q1, b1) = masks(s, at + 16);
            let (q2, b2) = masks(s, at + 32);
            let (q3, b3) = masks(s, at + 48);
            *word = u64::from(q0) | u64::from(q1) << 16 | u64::from(q2) << 32 | u64::from(q3) << 48;
            any |= b0 | b1 | b2 | b3;
        }
        let mut word = 0u64;
        let mut at = groups * 64;
        while at + 16 <= s.len() {
            let (quotes, slashes) = masks(s, at);
            word |= u64::from(quotes) << (at % 64);
            any |= slashes;
            at += 16;
        }
        if at < s.len() {
            let (quotes, slashes) = tail_masks(s, at);
            word |= u64::from(quotes) << (at % 64);
            any |= slashes;
        }
        if let Some(w) = self.quotes.get_mut(groups) {
            *w = word;
        }
        any == 0
    }

    /// [`QuoteMap::fill`] thirty-two bytes at a time: half the instructions of the SSE2
    /// loop on a typical 180-byte line.
    ///
    /// # Safety
    /// The CPU must support AVX2.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn fill_avx2(&mut self, s: &[u8]) -> bool {
        let groups = s.len() / 64;
        let mut any = 0u32;
        for (w, word) in self.quotes.iter_mut().enumerate().take(groups) {
            let at = w * 64;
            let (q0, b0) = masks32(s, at);
            let (q1, b1) = masks32(s, at + 32);
            *word = u64::from(q0) | u64::from(q1) << 32;
            any |= b0 | b1;
        }
        let mut word = 0u64;
        let mut at = groups * 64;
        if at + 32 <= s.len() {
            let (quotes, slashes) = masks32(s, at);
            word = u64::from(quotes);
            any |= slashes;
            at += 32;
        }
        if at < s.len() {
            let have = s.len() - at;
            let (quotes, slashes) = if s.len() >= 32 {
                // The line's last 32 bytes, shifted so that bit 0 is byte `at`.
                let (q, b) = masks32(s, s.len() - 32);
                (q >> (32 - have), b >> (32 - have))
            } else {
                let mut bytes = [0u8; 32];
                bytes[..have].copy_from_slice(&s[at..]);
                masks32(&bytes, 0)
            };
            word |= u64::from(quotes) << (at % 64);
            any |= slashes;
        }
        if let Some(w) = self.quotes.get_mut(groups) {
            *w = word;
        }
        any == 0
    }

    /// The first quote at or after `from`: where a string whose content starts at `from`
    /// ends.
    #[inline(always)]
    pub fn string_end(&self, from: usize) -> Option<usize> {
        let words = &self.quotes;
        let mut w = from / 64;
        let mut bits = *words.get(w)? & (!0u64 << (from % 64));
        loop {
            if bits != 0 {
                return Some(w * 64 + bits.trailing_zeros() as usize);
            }
            w += 1;
            bits = *words.get(w)?;
        }
    }
}

/// Masks of the last, partial block of `s`, which starts at `at`. It is read as the
/// line's last 16 bytes, shifted, to avoid a copy.
#[inline(always)]
fn tail_masks(s: &[u8], at: usize) -> (u32, u32) {
    let have = s.len() - at;
    if s.len() >= 16 {
        let (q, b) = masks(s, s.len() - 16);
        let shift = 16 - have;
        return (q >> shift, b >> shift);
    }
    let mut bytes = [0u8; 16];
    for (d, &b) in bytes.iter_mut().zip(&s[at..]) {
        *d = b;
    }
    masks(&bytes, 0)
}

/// Bit masks of the `"` and `\\` bytes of the 16 bytes of `s` from `at`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn masks(s: &[u8], at: usize) -> (u32, u32) {
    use std::arch::x86_64::{_mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8};
    let block = &s[at..at + 16];
    // SAFETY: the load reads exactly the 16 bytes of `block` (unaligned loads are allowed);
    // SSE2 is part of the x86_64 baseline, so the instructions always exist.
    unsafe {
        let v = _mm_loadu_si128(block.as_ptr().cast());
        let quotes = _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8)));
        let slashes = _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8)));
        (quotes as u32, slashes as u32)
    }
}

/// Bit masks of the `"` and `\\` bytes of the 32 bytes of `s` from `at`.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn masks32(s: &[u8], at: usize) -> (u32, u32) {
    use std::arch::x86_64::{_mm256_cmpeq_epi8, _mm256_loadu_si256, _mm256_movemask_epi8, _mm256_set1_epi8};
    let block = &s[at..at + 32];
    // SAFETY: the load reads exactly the 32 bytes of `block` (unaligned loads are allowed).
    let v = unsafe { _mm256_loadu_si256(block.as_ptr().cast()) };
    let quotes = _mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'"' as i8)));
    let slashes = _mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_set1_epi8(b'\\' as i8)));
    (quotes as u32, slashes as u32)
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn masks(s: &[u8], at: usize) -> (u32, u32) {
    masks_portable(&s[at..at + 16])
}

#[cfg_attr(target_arch = "x86_64", allow(dead_code))]
fn masks_portable(block: &[u8]) -> (u32, u32) {
    let (mut quotes, mut slashes) = (0u32, 0u32);
    for (k, &b) in block.iter().enumerate() {
        quotes |= u32::from(b == b'"') << k;
        slashes |= u32::from(b == b'\\') << k;
    }
    (quotes, slashes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn finds_quotes_across_blocks_and_words() {
        let mut line = vec![b'x'; 200];
        for at in [0, 15, 16, 63, 64, 130, 199] {
            line[at] = b'"';
        }
        let map = QuoteMap::new(&line).expect("short line");
        let mut found = Vec::new();
        let mut from = 0;
        while let Some(at) = map.string_end(from) {
            found.push(at);
            from = at + 1;
        }
        assert_eq!(found, [0, 15, 16, 63, 64, 130, 199]);
        assert_eq!(map.string_end(200), None);
        assert_eq!(map.string_end(10_000), None);
    }

    #[test]
    fn backslashes_and_long_lines_get_no_map() {
        assert!(QuoteMap::new(br#"{"a":"b\"c"}"#).is_none());
        assert!(QuoteMap::new(&[b' '; MAX_LINE + 1]).is_none());
        assert!(QuoteMap::new(&[b' '; MAX_LINE]).is_some());
        assert_eq!(QuoteMap::new(b"").map(|m| m.string_end(0)), Some(None));
    }

    proptest! {
        #[test]
        fn agrees_with_a_byte_loop(line in proptest::collection::vec(prop_oneof![Just(b'"'), Just(b'a'), Just(b'\\'), any::<u8>()], 0..600), from in 0usize..600) {
            let expected = (line.len() <= MAX_LINE && !line.contains(&b'\\'))
                .then(|| line.get(from..).unwrap_or_default().iter().position(|&b| b == b'"').map(|k| from + k));
            prop_assert_eq!(QuoteMap::new(&line).map(|m| m.string_end(from)), expected);
        }

        #[test]
        fn both_fills_agree(line in proptest::collection::vec(prop_oneof![Just(b'"'), Just(b'a'), Just(b'\\'), any::<u8>()], 0..=MAX_LINE)) {
            let mut sse2 = QuoteMap { quotes: [!0; MAX_LINE / 64] };
            let sse2_ok = sse2.fill_sse2(&line);
            prop_assert_eq!(sse2_ok, !line.contains(&b'\\'));
            #[cfg(target_arch = "x86_64")]
            if std::arch::is_x86_feature_detected!("avx2") {
                let mut avx2 = QuoteMap { quotes: [!0; MAX_LINE / 64] };
                // SAFETY: AVX2 is present.
                let avx2_ok = unsafe { avx2.fill_avx2(&line) };
                prop_assert_eq!(avx2_ok, sse2_ok);
                let words = line.len().div_ceil(64);
                prop_assert_eq!(&avx2.quotes[..words], &sse2.quotes[..words]);
            }
        }

        #[test]
        fn portable_masks_agree(block in proptest::array::uniform16(prop_oneof![Just(b'"'), Just(b'\\'), any::<u8>()])) {
            prop_assert_eq!(masks(&block, 0), masks_portable(&block));
        }
    }
}
