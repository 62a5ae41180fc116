//! Memory maps that a shrinking file cannot kill.
//!
//! Reading a mapped page past the end of a file that was truncated after it was mapped
//! raises SIGBUS, whose default action kills the process (and leaves the terminal raw).
//! A client's writer may truncate its log at any time (a rotation by `copytruncate`, an
//! app starting a new day), so every mapped log is registered here, and a SIGBUS inside
//! a registered map is answered by mapping zero-filled pages over the rest of it: the read
//! goes on and sees NUL bytes, which the parser reports as a NUL run, and the map says it
//! [`shrank`](SafeMap::shrank) so the index can say so too.
//!
//! Copying a file into memory instead would be safe too, but costs its whole size in RAM
//! and a full read before the first line; mapping keeps an old and a freshly saved file
//! equally fast and lean. On Windows a mapped file cannot be truncated at all.

use std::fs::File;
use std::io;

/// A read-only map of a file, safe against the file shrinking while it is mapped.
pub struct SafeMap {
    map: memmap2::Mmap,
    /// Bytes at the start that are not part of the log (a stray byte-order mark).
    skip: usize,
    /// Where the map is registered with the SIGBUS guard; `None` for private temporary
    /// files that nobody else can truncate.
    slot: Option<usize>,
}

impl SafeMap {
    /// Maps `file` (which must not be empty) and guards the map. `Err` when the file cannot
    /// be mapped or the guard has no room: read the file instead.
    pub fn map(file: &File) -> io::Result<SafeMap> {
        // SAFETY: the map is read-only; a writer truncating the file is answered by the
        // guard below, and changed bytes only make the lines read differ from the file.
        let map = unsafe { memmap2::Mmap::map(file) }?;
        match guard::register(map.as_ptr() as usize, map.len()) {
            Some(slot) => Ok(SafeMap { map, skip: 0, slot: Some(slot) }),
            None if guard::NEEDED => Err(io::Error::other("too many files mapped at once")),
            None => Ok(SafeMap { map, skip: 0, slot: None }),
        }
    }

    /// Maps an unnamed temporary file of our own (a decompressed or spooled input).
    pub fn private(file: &File) -> io::Result<SafeMap> {
        // SAFETY: the temporary file is unnamed and private to this process.
        let map = unsafe { memmap2::Mmap::map(file) }?;
        Ok(SafeMap { map, skip: 0, slot: None })
    }

    /// Leaves the first `n` bytes out of what the map shows.
    pub fn skip_prefix(&mut self, n: usize) {
        self.skip = (self.skip + n).min(self.map.len());
    }

    /// The file shrank under the map: some bytes read as NUL past its new end.
    pub fn shrank(&self) -> bool {
        self.slot.is_some_and(guard::faulted)
    }
}

impl std::ops::Deref for SafeMap {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.map[self.skip..]
    }
}

impl Drop for SafeMap {
    fn drop(&mut self) {
        // Unregistered before `map` is unmapped (fields drop after this body).
        if let Some(slot) = self.slot {
            guard::unregister(slot);
        }
    }
}

#[cfg(unix)]
mod guard {
    use std::sync::Once;
    use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicUsize, Ordering};

    pub const NEEDED: bool = true;

    /// Maps guarded at once; past this a file is read into memory instead.
    const SLOTS: usize = 4096;

    struct Slot {
        start: AtomicUsize,
        len: AtomicUsize,
        faulted: AtomicBool,
    }

    static TABLE: [Slot; SLOTS] =
        [const { Slot { start: AtomicUsize::new(0), len: AtomicUsize::new(0), faulted: AtomicBool::new(false) } };
            SLOTS];
    static PAGE: AtomicUsize = AtomicUsize::new(4096);
    static INSTALL: Once = Once::new();
    static INSTALLED: AtomicBool = AtomicBool::new(false);
    /// The handler that was there before ours (Rust's own, which reports stack overflows).
    static PREVIOUS: AtomicPtr<libc::sigaction> = AtomicPtr::new(std::ptr::null_mut());

    pub fn register(start: usize, len: usize) -> Option<usize> {
        INSTALL.call_once(install);
        if !INSTALLED.load(Ordering::Acquire) || start == 0 {
            return None;
        }
        let i = TABLE
            .iter()
            .position(|s| s.start.compare_exchange(0, start, Ordering::AcqRel, Ordering::Relaxed).is_ok())?;
        TABLE[i].faulted.store(false, Ordering::Relaxed);
        TABLE[i].len.store(len, Ordering::Release);
        Some(i)
    }

    pub fn unregister(slot: usize) {
        TABLE[slot].len.store(0, Ordering::Release);
        TABLE[slot].start.store(0, Ordering::Release);
    }

    pub fn faulted(slot: usize) -> bool {
        TABLE[slot].faulted.load(Ordering::Acquire)
    }

    fn install() {
        // SAFETY: plain libc calls with valid, zero-initialised arguments.
        unsafe {
            let page = libc::sysconf(libc::_SC_PAGESIZE);
            if page > 0 {
                PAGE.store(page as usize, Ordering::Relaxed);
            }
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = on_sigbus as *const () as usize;
            action.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK | libc::SA_NODEFER;
            libc::sigemptyset(&mut action.sa_mask);
            let previous = Box::into_raw(Box::new(std::mem::zeroed::<libc::sigaction>()));
            if libc::sigaction(libc::SIGBUS, &action, previous) == 0 {
                PREVIOUS.store(previous, Ordering::Release);
                INSTALLED.store(true, Ordering::Release);
            }
        }
    }

    /// Runs on the thread that read past the end. Only atomics and mmap (a plain system
    /// call) happen here, nothing that allocates or locks.
    extern "C" fn on_sigbus(signal: libc::c_int, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
        // SAFETY: the kernel passes a valid siginfo_t for an SA_SIGINFO handler.
        let addr = unsafe { fault_address(info) };
        let page = PAGE.load(Ordering::Relaxed);
        for slot in &TABLE {
            let start = slot.start.load(Ordering::Acquire);
            let len = slot.len.load(Ordering::Acquire);
            if start == 0 || addr < start || addr >= start + len {
                continue;
            }
            let from = addr & !(page - 1);
            let end = (start + len).next_multiple_of(page);
            // SAFETY: [from, end) lies inside our own read-only map (start is page
            // aligned); MAP_FIXED replaces its pages with zero-filled anonymous ones.
            let zeroed = unsafe {
                libc::mmap(
                    from as *mut libc::c_void,
                    end - from,
                    libc::PROT_READ,
                    libc::MAP_PRIVATE | libc::MAP_ANON | libc::MAP_FIXED,
                    -1,
                    0,
                )
            };
            if zeroed != libc::MAP_FAILED {
                slot.faulted.store(true, Ordering::Release);
                return;
            }
        }
        // Not ours: what would have happened without us.
        // SAFETY: PREVIOUS points at the action sigaction filled in at install time.
        unsafe { chain(signal, info, context) }
    }

    unsafe fn chain(signal: libc::c_int, info: *mut libc::siginfo_t, context: *mut libc::c_void) {
        let previous = PREVIOUS.load(Ordering::Acquire);
        // SAFETY: set once at install, never freed.
        let handler = if previous.is_null() { libc::SIG_DFL } else { unsafe { (*previous).sa_sigaction } };
        let flags = if previous.is_null() { 0 } else { unsafe { (*previous).sa_flags } };
        if handler == libc::SIG_DFL || handler == libc::SIG_IGN {
            // Returning re-runs the faulting read, which now takes the default action.
            unsafe { libc::signal(signal, libc::SIG_DFL) };
        } else if flags & libc::SA_SIGINFO != 0 {
            let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                unsafe { std::mem::transmute(handler) };
            f(signal, info, context);
        } else {
            let f: extern "C" fn(libc::c_int) = unsafe { std::mem::transmute(handler) };
            f(signal);
        }
    }

    #[cfg(any(target_os = "linux", target_os = "android"))]
    unsafe fn fault_address(info: *mut libc::siginfo_t) -> usize {
        // SAFETY: valid for SIGBUS, per the caller.
        unsafe { (*info).si_addr() as usize }
    }

    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    unsafe fn fault_address(info: *mut libc::siginfo_t) -> usize {
        // SAFETY: valid for SIGBUS, per the caller.
        unsafe { (*info).si_addr as usize }
    }
}

#[cfg(not(unix))]
mod guard {
    //! A mapped file cannot be truncated on Windows: nothing to guard.
    pub const NEEDED: bool = false;
    pub fn register(_start: usize, _len: usize) -> Option<usize> {
        None
    }
    pub fn unregister(_slot: usize) {}
    pub fn faulted(_slot: usize) -> bool {
        false
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_file_truncated_under_its_map_reads_as_nul_and_says_it_shrank() {
        let mut file = tempfile::tempfile().unwrap();
        let page = 4096;
        file.write_all(&vec![b'x'; 8 * page]).unwrap();
        let map = SafeMap::map(&file).unwrap();
        assert!(!map.shrank());
        file.set_len(page as u64 + 10).unwrap();
        // Without the guard this read is SIGBUS and the test process dies.
        let tail_sum: u64 = map[3 * page..].iter().map(|&b| u64::from(b)).sum();
        assert_eq!(tail_sum, 0, "past the new end reads as NUL");
        assert_eq!(map[page + 9], b'x', "what is still there reads as before");
        assert!(map.shrank());
        drop(map);
        // The slot is free again and a new map starts clean.
        let again = SafeMap::map(&file).unwrap();
        assert!(!again.shrank());
    }
}
