#include "genrep/core/TextList.h"

#include <gtest/gtest.h>

#include "support/Fixtures.h"

namespace genrep {
namespace {

TEST(TextList, SplitsTrimsAndDropsEmptyItems) {
  EXPECT_EQ(splitList(" zoom, shift_x ,,rotate "), (std::vector<std::string>{"zoom", "shift_x", "rotate"}));
  EXPECT_TRUE(splitList("").empty());
  EXPECT_EQ(parseNumberList("k", "0.25, 0.5,1"), (std::vector<double>{0.25, 0.5, 1.0}));
  EXPECT_NE(test::errorOf<std::invalid_argument>([] { parseNumberList("panel.sigmas", "0.5,x"); }).find("panel.sigmas: 'x'"),
            std::string::npos);
  EXPECT_THROW(parseNumberList("k", "0.5abc"), std::invalid_argument);
}

}  // namespace
}  // namespace genrep
