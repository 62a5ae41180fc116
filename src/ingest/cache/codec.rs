//! Bytes in and out for the index cache: little-endian numbers, length-prefixed strings
//! and lists. The reader takes its input as untrusted: every length is checked against
//! what is left before anything is allocated, and no input makes it panic.

/// Why a cache entry was not used. Never shown as an error: the index is built instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bad(pub &'static str);

pub type Read<T> = Result<T, Bad>;

/// Appends values to a byte buffer.
#[derive(Default)]
pub struct Writer {
    pub bytes: Vec<u8>,
}

impl Writer {
    pub fn u8(&mut self, v: u8) {
        self.bytes.push(v);
    }

    pub fn u32(&mut self, v: u32) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    pub fn u64(&mut self, v: u64) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    pub fn i64(&mut self, v: i64) {
        self.bytes.extend_from_slice(&v.to_le_bytes());
    }

    pub fn bool(&mut self, v: bool) {
        self.u8(u8::from(v));
    }

    pub fn len(&mut self, n: usize) {
        self.u64(n as u64);
    }

    pub fn bytes(&mut self, b: &[u8]) {
        self.len(b.len());
        self.bytes.extend_from_slice(b);
    }

    pub fn str(&mut self, s: &str) {
        self.bytes(s.as_bytes());
    }

    pub fn opt_i64(&mut self, v: Option<i64>) {
        self.bool(v.is_some());
        self.i64(v.unwrap_or(0));
    }

    pub fn opt_str(&mut self, v: Option<&str>) {
        self.bool(v.is_some());
        self.str(v.unwrap_or(""));
    }

    pub fn u32s(&mut self, v: &[u32]) {
        self.len(v.len());
        v.iter().for_each(|&x| self.u32(x));
    }

    pub fn u64s(&mut self, v: &[u64]) {
        self.len(v.len());
        v.iter().for_each(|&x| self.u64(x));
    }

    pub fn strs<S: AsRef<str>>(&mut self, v: &[S]) {
        self.len(v.len());
        v.iter().for_each(|s| self.str(s.as_ref()));
    }
}

/// Reads values from a byte slice, front to back.
pub struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Reader<'a> {
        Reader { rest: bytes }
    }

    pub fn is_empty(&self) -> bool {
        self.rest.is_empty()
    }

    /// Bytes not read yet.
    pub fn remaining(&self) -> usize {
        self.rest.len()
    }

    pub fn take(&mut self, n: usize) -> Read<&'a [u8]> {
        if n > self.rest.len() {
            return Err(Bad("cut short"));
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn array<const N: usize>(&mut self) -> Read<[u8; N]> {
        let mut a = [0u8; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    pub fn u8(&mut self) -> Read<u8> {
        Ok(self.array::<1>()?[0])
    }

    pub fn u32(&mut self) -> Read<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    pub fn u64(&mut self) -> Read<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    pub fn i64(&mut self) -> Read<i64> {
        Ok(i64::from_le_bytes(self.array()?))
    }

    pub fn bool(&mut self) -> Read<bool> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(Bad("not a boolean")),
        }
    }

    /// A count of items of at least `min_size` bytes each: never more than could fit in
    /// what is left, so a forged count cannot ask for a huge allocation.
    pub fn len(&mut self, min_size: usize) -> Read<usize> {
        let n = usize::try_from(self.u64()?).map_err(|_| Bad("length too big"))?;
        match n.checked_mul(min_size.max(1)) {
            Some(need) if need <= self.rest.len() => Ok(n),
            _ => Err(Bad("length past the end")),
        }
    }

    pub fn bytes(&mut self) -> Read<&'a [u8]> {
        let n = self.len(1)?;
        self.take(n)
    }

    pub fn str(&mut self) -> Read<&'a str> {
        std::str::from_utf8(self.bytes()?).map_err(|_| Bad("not UTF-8"))
    }

    pub fn string(&mut self) -> Read<String> {
        Ok(self.str()?.to_string())
    }

    pub fn opt_i64(&mut self) -> Read<Option<i64>> {
        let some = self.bool()?;
        let v = self.i64()?;
        Ok(some.then_some(v))
    }

    pub fn opt_string(&mut self) -> Read<Option<String>> {
        let some = self.bool()?;
        let v = self.string()?;
        Ok(some.then_some(v))
    }

    /// A list of numbers, in one checked cut and one pass (session and occurrence lists of
    /// error groups run to millions).
    pub fn u32s(&mut self) -> Read<Vec<u32>> {
        let n = self.len(4)?;
        let bytes = self.take(n * 4)?;
        Ok(bytes.chunks_exact(4).map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
    }

    pub fn u64s(&mut self) -> Read<Vec<u64>> {
        let n = self.len(8)?;
        let bytes = self.take(n * 8)?;
        Ok(bytes
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
            .collect())
    }

    pub fn strings(&mut self) -> Read<Vec<String>> {
        let n = self.len(8)?;
        (0..n).map(|_| self.string()).collect()
    }

    /// Exactly `N` numbers (a fixed table such as the level counts).
    pub fn u64_array<const N: usize>(&mut self) -> Read<[u64; N]> {
        let v = self.u64s()?;
        v.try_into().map_err(|_| Bad("wrong table size"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip() {
        let mut w = Writer::default();
        w.u8(7);
        w.u32(0xdead_beef);
        w.i64(-5);
        w.opt_i64(Some(9));
        w.opt_i64(None);
        w.str("é");
        w.opt_str(None);
        w.u32s(&[1, 2]);
        w.strs(&["a", "bc"]);
        w.u64s(&[1, 2, 3]);
        let mut r = Reader::new(&w.bytes);
        assert_eq!(r.u8(), Ok(7));
        assert_eq!(r.u32(), Ok(0xdead_beef));
        assert_eq!(r.i64(), Ok(-5));
        assert_eq!(r.opt_i64(), Ok(Some(9)));
        assert_eq!(r.opt_i64(), Ok(None));
        assert_eq!(r.str(), Ok("é"));
        assert_eq!(r.opt_string(), Ok(None));
        assert_eq!(r.u32s(), Ok(vec![1, 2]));
        assert_eq!(r.strings(), Ok(vec!["a".to_string(), "bc".to_string()]));
        assert_eq!(r.u64_array::<3>(), Ok([1, 2, 3]));
        assert!(r.is_empty());
        assert!(r.u8().is_err(), "nothing left");
    }

    #[test]
    fn forged_lengths_are_refused_before_allocating() {
        let mut w = Writer::default();
        w.u64(u64::MAX);
        assert!(Reader::new(&w.bytes).u32s().is_err());
        assert!(Reader::new(&w.bytes).str().is_err());
        let mut w = Writer::default();
        w.u64(1 << 40);
        w.u32(1);
        assert!(Reader::new(&w.bytes).u64s().is_err());
        let mut w = Writer::default();
        w.bytes(&[0xff, 0xfe]);
        assert_eq!(Reader::new(&w.bytes).str(), Err(Bad("not UTF-8")));
        assert_eq!(Reader::new(&[2]).bool(), Err(Bad("not a boolean")));
    }
}
