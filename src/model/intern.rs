//! String interning: categories, session keys and users become small integer ids, so an
//! event record can name them in a few bits.

use rustc_hash::FxHashMap;

/// Id 0 is reserved for "none"; names are kept in insertion order.
#[derive(Debug, Clone)]
pub struct Interner {
    map: FxHashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
}

impl Default for Interner {
    fn default() -> Self {
        Interner { map: FxHashMap::default(), names: vec!["".into()] }
    }
}

impl Interner {
    pub fn intern(&mut self, s: &str) -> u32 {
        if s.is_empty() {
            return 0;
        }
        if let Some(&id) = self.map.get(s) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(s.into());
        self.map.insert(s.into(), id);
        id
    }

    pub fn get(&self, s: &str) -> Option<u32> {
        self.map.get(s).copied()
    }

    pub fn name(&self, id: u32) -> &str {
        self.names.get(id as usize).map_or("", |s| s)
    }

    /// Number of ids including the reserved 0.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.len() <= 1
    }

    pub fn iter(&self) -> impl Iterator<Item = (u32, &str)> {
        self.names.iter().enumerate().skip(1).map(|(i, s)| (i as u32, &**s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_zero_is_none() {
        let mut i = Interner::default();
        assert_eq!(i.intern(""), 0);
        let a = i.intern("upload");
        let b = i.intern("error");
        assert_eq!(i.intern("upload"), a);
        assert_ne!(a, b);
        assert_eq!(i.name(b), "error");
        assert_eq!(i.name(999), "");
        assert_eq!(i.iter().map(|(_, s)| s).collect::<Vec<_>>(), ["upload", "error"]);
    }
}
