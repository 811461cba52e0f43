#pragma once

#include <cstdint>

namespace sluice::core::demo {

// SplitMix64's finalizer: a fast, well-mixed 64-bit hash.
inline uint64_t mix64(uint64_t z) {
    z += 0x9e3779b97f4a7c15ULL;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

// Folds one more value into a hash key (order matters).
inline uint64_t combine(uint64_t h, uint64_t v) {
    return mix64(h ^ mix64(v + 0x632be59bd9b4e019ULL));
}

// SplitMix64 as a generator: one per record, seeded by a key, so records never depend on each other.
class Rng {
public:
    explicit Rng(uint64_t seed) : m_state(seed) {}

    uint64_t next() {
        m_state += 0x9e3779b97f4a7c15ULL;
        uint64_t z = m_state;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    // Uniform in [0, 1).
    double unit() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    // Uniform in [0, n); n > 0.
    uint64_t below(uint64_t n) { return static_cast<uint64_t>(unit() * static_cast<double>(n)) % n; }
    int64_t between(int64_t lo, int64_t hi) { return lo + static_cast<int64_t>(below(hi - lo + 1)); }
    bool chance(double p) { return unit() < p; }
    template <typename T, std::size_t N> const T& pick(const T (&items)[N]) { return items[below(N)]; }

private:
    uint64_t m_state;
};

// A draw in [0, 1) from a key alone.
inline double unitOf(uint64_t key) {
    return static_cast<double>(mix64(key) >> 11) * 0x1.0p-53;
}

} // namespace sluice::core::demo
