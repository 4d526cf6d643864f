// The units stage's copy-free readings against the plain ones:
// NormalizedText::display_view / display_append against display(), and
// units::same_text against string_view's ==.
#include <doctest/doctest.h>

#include <algorithm>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plancmp/normalize.h"
#include "test_support.h"
#include "units_lists.h"
#include "units_names.h"

namespace {

// Text with what normalize changes or takes out: full-width ASCII,
// Traditional characters, ideographic and OCR spaces, page-number lines,
// tabs, line breaks.
std::string random_source(plancmp_test::Lcg& rng, unsigned max_tokens) {
  const char* const tokens[] = {"市", "生态", "環境", "局", "國", "（", "）", "％", "０", "１２", "Ａ", "，", "：", "；",
                                "\u3000", " ", "  ", "\t", "\n", "\n- 3 -\n", "\n第3页\n", "、", "(", ")", "a", "Ⅻ",
                                "人民政府", "發改委", "𠀀", "é", "。"};
  std::string t;
  for (unsigned n = rng.next(max_tokens); n > 0; --n) t += tokens[rng.next(std::size(tokens))];
  return t;
}

}  // namespace

TEST_CASE("display_view and display_append read what display() reads") {
  plancmp_test::Lcg rng{20261124};
  for (int round = 0; round < 300; ++round) {
    const std::string source = random_source(rng, 40);
    const plancmp::NormalizedText nt = plancmp::NormalizedText::build(source);
    const std::size_t n = nt.text().size();
    CAPTURE(source);
    int views = 0;
    for (std::size_t b = 0; b <= n + 1; ++b)
      for (std::size_t e = b; e <= n + 2; e += 1 + rng.next(3)) {
        CAPTURE(b);
        CAPTURE(e);
        const std::string want = nt.display(b, e);
        if (const std::optional<std::string_view> v = nt.display_view(b, e)) {
          CHECK(*v == want);
          // A view of the source itself (what units keeps as an offset).
          if (!v->empty()) {
            CHECK(v->data() >= nt.source().data());
            CHECK(v->data() + v->size() <= nt.source().data() + nt.source().size());
            ++views;
          }
        }
        std::string out = "x";  // appended to, not replaced
        nt.display_append(out, b, e);
        CHECK(out == "x" + want);
        const std::size_t m = rng.next(static_cast<unsigned>(n + 2)), k = m + rng.next(9);  // a second span after it
        nt.display_append(out, m, k);
        CHECK(out == "x" + want + nt.display(m, k));
      }
    if (n > 0 && source.find_first_of("（）％０１２Ａ，：；\t國環發") == std::string::npos) CHECK(views > 0);
  }
}

TEST_CASE("same_text agrees with == on short and long texts") {
  plancmp_test::Lcg rng{20261125};
  const char alphabet[] = {'a', 'b', '\xE5', '\x00'};
  for (int round = 0; round < 20000; ++round) {
    const std::size_t size = rng.next(40);
    std::string a, b;
    for (std::size_t i = 0; i < size; ++i) a += alphabet[rng.next(rng.next(2) ? 1 : 4)];
    b = a;
    switch (rng.next(4)) {
      case 0: break;  // equal
      case 1:
        if (!b.empty()) b[rng.next(static_cast<unsigned>(b.size()))] ^= static_cast<char>(1 + rng.next(255));
        break;
      case 2: b += alphabet[rng.next(4)]; break;
      default:
        if (!b.empty()) b.pop_back();
    }
    // Views into longer buffers: bytes past the end must not count.
    const std::string pa = a + "zz", pb = b + "yy";
    const std::string_view va(pa.data(), a.size()), vb(pb.data(), b.size());
    CAPTURE(a);
    CAPTURE(b);
    CHECK(plancmp::units::same_text(va, vb) == (va == vb));
    CHECK(plancmp::units::same_text(vb, va) == (va == vb));
  }
}

TEST_CASE("sort_by_start orders pieces as std::sort does") {
  using plancmp::units::Piece;
  plancmp_test::Lcg rng{20261126};
  for (int round = 0; round < 5000; ++round) {
    std::vector<Piece> pieces;
    const unsigned before = rng.next(3), count = rng.next(9);
    const unsigned span = 1 + rng.next(20);  // small spans: repeated starts
    for (unsigned i = 0; i < before + count; ++i) pieces.push_back({rng.next(span), rng.next(100), rng.next(2) == 1});
    const unsigned shape = rng.next(4);  // in order, in reverse, or as they came
    auto by_b = [](const Piece& x, const Piece& y) { return x.b < y.b; };
    if (shape == 0) std::sort(pieces.begin() + before, pieces.end(), by_b);
    if (shape == 1) std::sort(pieces.begin() + before, pieces.end(), [&](const Piece& x, const Piece& y) { return by_b(y, x); });
    std::vector<Piece> want = pieces;
    std::sort(want.begin() + before, want.end(), by_b);
    std::vector<Piece> got = pieces;
    plancmp::units::sort_by_start(got, before);
    REQUIRE(got.size() == want.size());
    bool distinct = true;
    for (std::size_t i = before + 1; i < want.size(); ++i) distinct &= want[i - 1].b != want[i].b;
    for (std::size_t i = 0; i < got.size(); ++i) {
      CAPTURE(i);
      CHECK(got[i].b == want[i].b);
      if (i < before || distinct) {  // (std::sort may order pieces with the same start either way)
        CHECK(got[i].e == want[i].e);
        CHECK(got[i].weak == want[i].weak);
      }
    }
  }
}
