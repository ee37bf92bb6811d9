/// Hands out tensor and node names that collide with none already taken: `base`, else
/// `base.1`, `base.2`, …; every name handed out is then taken. Used by import (new nodes and
/// initializers) and export (Q/DQ nodes and constants).
struct UniqueNames {
    private var taken: Set<String>

    init(taken: Set<String>) {
        self.taken = taken
    }

    mutating func fresh(_ base: String) -> String {
        var name = base, suffix = 1
        while taken.contains(name) {
            name = "\(base).\(suffix)"
            suffix += 1
        }
        taken.insert(name)
        return name
    }
}
