//! Gives every C entry point its public name in symbol version OPENSSL_3.0.0,
//! and writes include/sslshim.h.
//!
//! rustc exports `#[no_mangle]`/`export_name` symbols through its own version
//! script, in the base version, and a second script cannot move them. So the
//! Rust functions are exported as `sslshim_<name>`, and the linker is told to
//! define each public `<name>` as an alias (`--defsym`), listed in our script.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

const PREFIX: &str = "sslshim_";

fn exported_names(dir: &Path) -> Vec<String> {
    let mut names = Vec::new();
    let mut files: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    files.sort();
    for f in files {
        println!("cargo:rerun-if-changed={}", f.display());
        if f.is_dir() {
            names.extend(exported_names(&f));
            continue;
        }
        let text = fs::read_to_string(&f).unwrap();
        for line in text.lines() {
            let line = line.trim();
            if let Some(rest) = line.strip_prefix("#[export_name = \"") {
                let sym = rest.trim_end_matches("\"]");
                let name = sym
                    .strip_prefix(PREFIX)
                    .unwrap_or_else(|| panic!("{sym}: export names start with {PREFIX}"));
                names.push(name.to_owned());
            }
        }
    }
    names
}

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").unwrap());
    let names = exported_names(&root.join("src/abi"));
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());

    let mut script = String::from("OPENSSL_3.0.0 {\n  global:\n");
    for n in &names {
        writeln!(script, "    {n};").unwrap();
    }
    script.push_str("  local: *;\n};\n");
    let map = out.join("libssl.map");
    fs::write(&map, script).unwrap();

    for n in &names {
        println!("cargo:rustc-cdylib-link-arg=-Wl,--defsym={n}={PREFIX}{n}");
    }
    println!(
        "cargo:rustc-cdylib-link-arg=-Wl,--version-script={}",
        map.display()
    );
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libssl.so.3");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=build.rs");

    write_header(&root);
}

/// Generates the header from the Rust signatures; the public names are the
/// export names without their prefix.
fn write_header(root: &Path) {
    let config = cbindgen::Config::from_file(root.join("cbindgen.toml")).unwrap();
    let bindings = match cbindgen::Builder::new()
        .with_crate(root)
        .with_config(config)
        .generate()
    {
        Ok(b) => b,
        Err(e) => {
            println!("cargo:warning=cbindgen: {e}");
            return;
        }
    };
    let mut buf = Vec::new();
    bindings.write(&mut buf);
    let text = String::from_utf8(buf).unwrap().replace(PREFIX, "");
    let path = root.join("include/sslshim.h");
    if fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
        fs::create_dir_all(root.join("include")).unwrap();
        fs::write(&path, text).unwrap();
    }
}
