//! A few values kept by the bytes they were made from and by whom they are
//! for, the most recently made first: what a context keeps of the
//! certificates its connections decoded, for each thread (see
//! `bridge::decoded`).

use std::collections::VecDeque;
use std::sync::{Mutex, MutexGuard};

/// What is kept: the owner, the bytes, the value made from them.
type Entry<T> = (u64, Vec<u8>, T);

pub struct Recent<T> {
    kept: Mutex<VecDeque<Entry<T>>>,
    capacity: usize,
}

impl<T: Clone> Recent<T> {
    pub fn new(capacity: usize) -> Self {
        Recent {
            kept: Mutex::new(VecDeque::with_capacity(capacity)),
            capacity,
        }
    }

    fn kept(&self) -> MutexGuard<'_, VecDeque<Entry<T>>> {
        self.kept.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The value kept for `owner` and `key`, or `make`'s, kept from now on
    /// if it made one; the oldest goes when the capacity is reached. A value
    /// is found only by its owner. `make` runs unlocked: it is the slow part,
    /// and two threads making the same value at once each get a correct one.
    pub fn get_or_make(
        &self,
        owner: u64,
        key: &[u8],
        make: impl FnOnce() -> Option<T>,
    ) -> Option<T> {
        let found = self
            .kept()
            .iter()
            .find(|(o, k, _)| *o == owner && k == key)
            .map(|(_, _, v)| v.clone());
        if found.is_some() {
            return found;
        }
        let v = make()?;
        if self.capacity > 0 {
            let mut kept = self.kept();
            if kept.len() >= self.capacity {
                kept.pop_back();
            }
            kept.push_front((owner, key.to_vec(), v.clone()));
        }
        Some(v)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.kept().len()
    }

    #[cfg(test)]
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn made_once_then_handed_out() {
        let r = Recent::new(4);
        let made = Cell::new(0);
        let make = |v| {
            made.set(made.get() + 1);
            Some(v)
        };
        assert_eq!(r.get_or_make(0, b"a", || make(1)), Some(1));
        assert_eq!(r.get_or_make(0, b"a", || make(2)), Some(1));
        assert_eq!(r.get_or_make(0, b"b", || make(3)), Some(3));
        assert_eq!(made.get(), 2);
        assert_eq!(r.len(), 2);
    }

    #[test]
    fn failures_are_not_kept() {
        let r = Recent::<u32>::new(4);
        assert_eq!(r.get_or_make(0, b"bad", || None), None);
        assert!(r.is_empty());
        assert_eq!(r.get_or_make(0, b"bad", || Some(7)), Some(7));
    }

    #[test]
    fn the_oldest_goes_past_capacity() {
        let r = Recent::new(2);
        r.get_or_make(0, b"1", || Some(1));
        r.get_or_make(0, b"2", || Some(2));
        r.get_or_make(0, b"3", || Some(3));
        assert_eq!(r.len(), 2);
        // "1" was dropped: made again; "3" is still kept.
        assert_eq!(r.get_or_make(0, b"1", || Some(10)), Some(10));
        assert_eq!(r.get_or_make(0, b"3", || Some(30)), Some(3));
    }

    #[test]
    fn keys_match_whole() {
        let r = Recent::new(4);
        r.get_or_make(0, b"abc", || Some(1));
        assert_eq!(r.get_or_make(0, b"ab", || Some(2)), Some(2));
        assert_eq!(r.get_or_make(0, b"abcd", || Some(3)), Some(3));
    }

    #[test]
    fn make_runs_unlocked() {
        let r = Recent::new(4);
        // A make that uses the cache itself would deadlock under the lock.
        let got = r.get_or_make(0, b"outer", || {
            r.get_or_make(0, b"inner", || Some(1)).map(|v| v + 1)
        });
        assert_eq!(got, Some(2));
        assert_eq!(r.len(), 2);
    }

    #[test]
    fn owners_find_only_their_own() {
        let r = Recent::new(4);
        assert_eq!(r.get_or_make(1, b"a", || Some(1)), Some(1));
        assert_eq!(r.get_or_make(2, b"a", || Some(2)), Some(2));
        assert_eq!(r.get_or_make(1, b"a", || Some(3)), Some(1));
        assert_eq!(r.get_or_make(2, b"a", || Some(4)), Some(2));
        assert_eq!(r.len(), 2);
    }

    #[test]
    fn capacity_zero_keeps_nothing() {
        let r = Recent::new(0);
        assert_eq!(r.get_or_make(0, b"a", || Some(1)), Some(1));
        assert!(r.is_empty());
    }
}
