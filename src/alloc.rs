//! The library's allocator: the C library's `malloc`, with one change of
//! placement. A fresh block larger than 4 KiB starts 8 bytes later in its
//! chunk than other blocks do.
//!
//! Why: rustls copies every received record's plaintext out of its record
//! buffer into a fresh `Vec`. glibc puts that `Vec` right behind the record
//! buffer, whose capacity is a multiple of 4096 and whose plaintext starts 5
//! bytes in, so the copy's destination lies 11 bytes past its source modulo
//! 4096. glibc copies 16 KiB with `rep movsb`, which at a distance of 1 to 15
//! bytes modulo 4096 runs at a fraction of its speed on current x86 cores:
//! that one copy took about half the time of a bulk transfer. rustls's
//! record buffer starts at 4 KiB and grows by `realloc`, which keeps a
//! block's placement, so the `Vec` alone moves 8 bytes on. (jemalloc's
//! "cache-oblivious" placement of large blocks answers the same problem.)
//!
//! Blocks of at least `MANAGED_FROM` bytes and alignment up to 8 carry a
//! header holding their offset in the chunk, so that freeing them relies on
//! nothing about the `malloc` underneath; other blocks are the system's own.

use std::alloc::{GlobalAlloc, Layout, System};
use std::ptr::{copy_nonoverlapping, null_mut};

/// Smaller blocks gain nothing and would pay the header.
const MANAGED_FROM: usize = 64;
/// Where a block starts in its chunk: after the header, which ends with the
/// offset itself. Blocks larger than `SHIFT_ABOVE` start 8 bytes later.
const OFFSET: usize = 16;
const SHIFTED_OFFSET: usize = 24;
/// Shorter copies are not made with `rep movsb`; rustls's record buffer
/// starts at 4096 bytes and must not be shifted.
const SHIFT_ABOVE: usize = 4096;

pub struct ShiftedLarge;

fn managed(size: usize, align: usize) -> bool {
    size >= MANAGED_FROM && align <= 8
}

/// Places a block in the chunk `p` at `offset`, recording the offset.
unsafe fn place(p: *mut u8, offset: usize) -> *mut u8 {
    if p.is_null() {
        return p;
    }
    let block = p.add(offset);
    block.sub(8).cast::<usize>().write_unaligned(offset);
    block
}

unsafe fn offset_of(block: *mut u8) -> usize {
    block.sub(8).cast::<usize>().read_unaligned()
}

unsafe fn chunk(size: usize, offset: usize, zeroed: bool) -> *mut u8 {
    let Some(total) = size.checked_add(offset) else {
        return null_mut();
    };
    let p = if zeroed {
        libc::calloc(1, total)
    } else {
        libc::malloc(total)
    };
    place(p.cast(), offset)
}

fn offset_for(size: usize) -> usize {
    if size > SHIFT_ABOVE {
        SHIFTED_OFFSET
    } else {
        OFFSET
    }
}

unsafe impl GlobalAlloc for ShiftedLarge {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !managed(layout.size(), layout.align()) {
            return System.alloc(layout);
        }
        chunk(layout.size(), offset_for(layout.size()), false)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if !managed(layout.size(), layout.align()) {
            return System.alloc_zeroed(layout);
        }
        chunk(layout.size(), offset_for(layout.size()), true)
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        if !managed(layout.size(), layout.align()) {
            return System.dealloc(block, layout);
        }
        libc::free(block.sub(offset_of(block)).cast());
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let was = managed(layout.size(), layout.align());
        let will = managed(new_size, layout.align());
        if !was && !will {
            return System.realloc(block, layout, new_size);
        }
        if was && will {
            // The header moves with the chunk's contents; the block keeps
            // its offset.
            let offset = offset_of(block);
            let Some(total) = new_size.checked_add(offset) else {
                return null_mut();
            };
            let p = libc::realloc(block.sub(offset).cast(), total);
            return if p.is_null() {
                null_mut()
            } else {
                p.cast::<u8>().add(offset)
            };
        }
        // Across MANAGED_FROM: a new block of the other kind. Growing, it
        // keeps the plain offset, as a block grown in place would.
        let new_layout = Layout::from_size_align_unchecked(new_size, layout.align());
        let new = if will {
            chunk(new_size, OFFSET, false)
        } else {
            System.alloc(new_layout)
        };
        if !new.is_null() {
            copy_nonoverlapping(block, new, layout.size().min(new_size));
            self.dealloc(block, layout);
        }
        new
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(p: *mut u8, n: usize) {
        for i in 0..n {
            unsafe { *p.add(i) = i as u8 };
        }
    }

    fn holds(p: *mut u8, n: usize) -> bool {
        (0..n).all(|i| unsafe { *p.add(i) } == i as u8)
    }

    fn layout(size: usize) -> Layout {
        Layout::from_size_align(size, 1).unwrap()
    }

    #[test]
    fn large_fresh_blocks_start_8_bytes_later() {
        let a = ShiftedLarge;
        unsafe {
            let small = a.alloc(layout(4096));
            let big = a.alloc(layout(16384));
            assert_eq!(offset_of(small), OFFSET);
            assert_eq!(offset_of(big), SHIFTED_OFFSET);
            a.dealloc(small, layout(4096));
            a.dealloc(big, layout(16384));
        }
    }

    #[test]
    fn realloc_keeps_bytes_and_offset() {
        let a = ShiftedLarge;
        unsafe {
            // rustls's record buffer: 4 KiB, grown, shrunk, grown again.
            let p = a.alloc(layout(4096));
            fill(p, 4096);
            let p = a.realloc(p, layout(4096), 32768);
            assert!(holds(p, 4096));
            assert_eq!(offset_of(p), OFFSET);
            let p = a.realloc(p, layout(32768), 4096);
            assert!(holds(p, 4096));
            a.dealloc(p, layout(4096));

            // Across the managed size, both ways.
            let p = a.alloc(layout(10));
            fill(p, 10);
            let p = a.realloc(p, layout(10), 20000);
            assert!(holds(p, 10));
            assert_eq!(offset_of(p), OFFSET);
            fill(p, 20000);
            let p = a.realloc(p, layout(20000), 8);
            assert!(holds(p, 8));
            a.dealloc(p, layout(8));
        }
    }

    #[test]
    fn zeroed_and_aligned_blocks() {
        let a = ShiftedLarge;
        unsafe {
            let z = a.alloc_zeroed(layout(10000));
            assert!((0..10000).all(|i| *z.add(i) == 0));
            a.dealloc(z, layout(10000));
            let aligned = Layout::from_size_align(16384, 64).unwrap();
            let p = a.alloc(aligned);
            assert_eq!(p as usize % 64, 0);
            a.dealloc(p, aligned);
            let eight = Layout::from_size_align(100, 8).unwrap();
            let p = a.alloc(eight);
            assert_eq!(p as usize % 8, 0);
            a.dealloc(p, eight);
        }
    }
}
