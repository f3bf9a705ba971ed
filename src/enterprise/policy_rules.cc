#include "enterprise/policy_rules.h"

#include "base/utf8.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iterator>

namespace tc::enterprise {
namespace {

constexpr FactInfo kFacts[kFactCount] = {
    {"industry", FactType::kText, "GB/T 4754-2017 section letter, A–T (\"C\" manufacturing)"},
    {"division", FactType::kText, "GB/T 4754-2017 two-digit division (\"36\" motor vehicles)"},
    {"size", FactType::kText, "size class: large, medium, small or micro"},
    {"district", FactType::kText, "the registry's 12-digit district code (\"220102000000\")"},
    {"resumption", FactType::kText, "resumption: not_filed, returned, held, filed or open"},
    {"above_scale", FactType::kBool, "规上: above the statistical threshold of its industry"},
    {"key", FactType::kBool, "重点企业: a key enterprise with a liaison officer"},
    {"high_tech", FactType::kBool, "高新技术企业: a certified high-tech enterprise"},
    {"specialised", FactType::kBool, "专精特新: specialised, refined, distinctive and innovative"},
    {"employees", FactType::kNumber, "staff on the payroll before the epidemic, people"},
    {"revenue", FactType::kNumber, "operating revenue this year so far, 万元"},
    {"revenue_prev", FactType::kNumber, "operating revenue in the same period last year, 万元"},
    {"revenue_drop", FactType::kNumber, "percent fall of revenue against last year, 0–100 (0 if it grew)"},
    {"capacity_rate", FactType::kNumber, "percent of the staff before who are back at work, 0–100"},
    {"age_years", FactType::kNumber, "whole years since the enterprise was founded"},
    {"equipment_investment", FactType::kNumber, "equipment investment this year, 万元"},
};

constexpr std::string_view kSizes[] = {"large", "medium", "small", "micro"};
constexpr std::string_view kKeywords[] = {"and",  "or",    "not", "in",  "between", "starts_with",
                                          "true", "false", "min", "max", "round",   "if"};

bool IsKeyword(std::string_view s) {
  return std::find(std::begin(kKeywords), std::end(kKeywords), s) != std::end(kKeywords);
}

// ---------------------------------------------------------------------------------
// Text → characters with their places, Chinese full-width forms folded to ASCII.

struct Ch {
  char32_t cp;
  SourcePos pos;
};


// Decodes one UTF-8 character at text[i]; 0 length when invalid.
char32_t DecodeOne(std::string_view text, size_t i, size_t* len) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = b(i);
  *len = 0;
  if (c < 0x80) {
    *len = 1;
    return c;
  }
  size_t n;
  char32_t cp;
  char32_t min;
  if ((c & 0xE0) == 0xC0) {
    n = 2, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return 0;
  }
  if (i + n > text.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  *len = n;
  return cp;
}

Status ErrorAt(SourcePos at, const std::string& message, SourcePos* error_at) {
  if (error_at) *error_at = at;
  return InvalidArgument("line " + std::to_string(at.line) + ", column " + std::to_string(at.column) + ": " + message);
}

// The ASCII a pasted Chinese form stands for ("" when the character is itself).
std::string_view Folded(char32_t cp) {
  switch (cp) {
    case 0x3000:
    case 0x00A0:
      return " ";
    case 0x201C:
    case 0x201D:
    case 0x201E:
    case 0x300C:
    case 0x300D:
      return "\"";
    case 0x2018:
    case 0x2019:
      return "'";
    case 0x2265:
      return ">=";
    case 0x2264:
      return "<=";
    case 0x2260:
      return "!=";
    case 0x3001:
      return ",";
    case 0x3010:
      return "[";
    case 0x3011:
      return "]";
    default:
      return "";
  }
}

Status Decode(std::string_view text, const RuleLimits& limits, std::vector<Ch>* out, SourcePos* error_at) {
  int line = 1, column = 1;
  for (size_t i = 0; i < text.size();) {
    const SourcePos pos{line, column, static_cast<int>(i) + 1};
    if (i >= limits.max_bytes) {
      return ErrorAt(pos,
                     "the text is " + std::to_string(text.size()) + " bytes long; at most " +
                         std::to_string(limits.max_bytes) + " are allowed",
                     error_at);
    }
    size_t len;
    char32_t cp = DecodeOne(text, i, &len);
    if (len == 0) return ErrorAt(pos, "invalid UTF-8", error_at);
    if (cp >= 0xFF01 && cp <= 0xFF5E) cp -= 0xFEE0;  // full-width ASCII: （）＝，“ ［ Ａ １
    if (std::string_view f = Folded(cp); !f.empty()) {
      for (char c : f) out->push_back({static_cast<char32_t>(c), pos});
    } else {
      out->push_back({cp, pos});
    }
    if (cp == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
    i += len;
  }
  return Status::Ok();
}

// ---------------------------------------------------------------------------------
// Tokens.

enum class Tok : uint8_t {
  kEnd,
  kName,
  kNumber,
  kString,
  kLParen,
  kRParen,
  kLBracket,
  kRBracket,
  kComma,
  kCmp,
  kPlus,
  kMinus,
  kStar,
  kSlash
};

struct Token {
  Tok kind = Tok::kEnd;
  SourcePos pos;
  std::string text;  // a name in lower case, a string's content, a number or symbol as written
  double number = 0;
  CmpOp op = CmpOp::kEq;
};

bool IsAsciiLetter(char32_t c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsDigit(char32_t c) { return c >= '0' && c <= '9'; }

std::string CharText(char32_t cp) {
  if (cp < 0x20 || cp == 0x7F) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
    return buf;
  }
  return "'" + Utf8(cp) + "'";
}

Status Lex(const std::vector<Ch>& chars, SourcePos end_pos, std::vector<Token>* out, SourcePos* error_at) {
  size_t i = 0;
  const auto at = [&](size_t k) -> char32_t { return k < chars.size() ? chars[k].cp : 0; };
  while (i < chars.size()) {
    const char32_t c = chars[i].cp;
    const SourcePos pos = chars[i].pos;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      ++i;
      continue;
    }
    Token t;
    t.pos = pos;
    if (IsAsciiLetter(c)) {
      while (IsAsciiLetter(at(i)) || IsDigit(at(i))) {
        char ch = static_cast<char>(at(i));
        if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
        t.text += ch;
        ++i;
      }
      t.kind = Tok::kName;
    } else if (IsDigit(c)) {
      while (IsDigit(at(i))) t.text += static_cast<char>(chars[i++].cp);
      if (at(i) == '.' && IsDigit(at(i + 1))) {
        t.text += '.';
        ++i;
        while (IsDigit(at(i))) t.text += static_cast<char>(chars[i++].cp);
      }
      if ((at(i) == 'e' || at(i) == 'E') &&
          (IsDigit(at(i + 1)) || ((at(i + 1) == '+' || at(i + 1) == '-') && IsDigit(at(i + 2))))) {
        t.text += 'e';
        ++i;
        if (at(i) == '+' || at(i) == '-') t.text += static_cast<char>(chars[i++].cp);
        while (IsDigit(at(i))) t.text += static_cast<char>(chars[i++].cp);
      }
      auto [p, ec] = std::from_chars(t.text.data(), t.text.data() + t.text.size(), t.number);
      if (ec != std::errc() || !std::isfinite(t.number)) {
        return ErrorAt(pos, "the number " + t.text + " is out of range", error_at);
      }
      t.kind = Tok::kNumber;
    } else if (c == '"' || c == '\'') {
      ++i;
      for (;;) {
        if (i >= chars.size() || at(i) == '\n') {
          return ErrorAt(pos, "the string starting here is not closed", error_at);
        }
        char32_t d = chars[i].cp;
        if (d == c) {
          ++i;
          break;
        }
        if (d == '\\') {
          char32_t e = at(i + 1);
          if (e != '"' && e != '\'' && e != '\\') {
            return ErrorAt(chars[i].pos, "unknown escape in a string; only \\\", \\' and \\\\ are known", error_at);
          }
          d = e;
          ++i;
        } else if (d < 0x20 || d == 0x7F) {
          return ErrorAt(chars[i].pos, "unexpected character " + CharText(d) + " in a string", error_at);
        }
        t.text += Utf8(d);
        ++i;
      }
      t.kind = Tok::kString;
    } else {
      ++i;
      switch (c) {
        case '(':
          t.kind = Tok::kLParen;
          break;
        case ')':
          t.kind = Tok::kRParen;
          break;
        case '[':
          t.kind = Tok::kLBracket;
          break;
        case ']':
          t.kind = Tok::kRBracket;
          break;
        case ',':
          t.kind = Tok::kComma;
          break;
        case '+':
          t.kind = Tok::kPlus;
          break;
        case '-':
          t.kind = Tok::kMinus;
          break;
        case '*':
          t.kind = Tok::kStar;
          break;
        case '/':
          t.kind = Tok::kSlash;
          break;
        case '=':
          t.kind = Tok::kCmp, t.op = CmpOp::kEq;
          if (at(i) == '=') ++i;
          break;
        case '!':
          if (at(i) != '=') return ErrorAt(pos, "unexpected character '!' (write 'not')", error_at);
          ++i;
          t.kind = Tok::kCmp, t.op = CmpOp::kNe;
          break;
        case '<':
          t.kind = Tok::kCmp, t.op = CmpOp::kLt;
          if (at(i) == '=')
            ++i, t.op = CmpOp::kLe;
          else if (at(i) == '>')
            ++i, t.op = CmpOp::kNe;
          break;
        case '>':
          t.kind = Tok::kCmp, t.op = CmpOp::kGt;
          if (at(i) == '=') ++i, t.op = CmpOp::kGe;
          break;
        default:
          return ErrorAt(pos, "unexpected character " + CharText(c), error_at);
      }
      static constexpr const char* kOpText[] = {"=", "!=", "<", "<=", ">", ">="};
      static constexpr const char* kSymbol[] = {"", "", "", "", "(", ")", "[", "]", ",", "", "+", "-", "*", "/"};
      t.text = t.kind == Tok::kCmp ? kOpText[static_cast<int>(t.op)] : kSymbol[static_cast<int>(t.kind)];
    }
    out->push_back(std::move(t));
  }
  Token end;
  end.pos = end_pos;
  out->push_back(end);
  return Status::Ok();
}

int EditDistance(std::string_view a, std::string_view b) {
  std::vector<int> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = static_cast<int>(j);
  for (size_t i = 1; i <= a.size(); ++i) {
    int diag = row[0];
    row[0] = static_cast<int>(i);
    for (size_t j = 1; j <= b.size(); ++j) {
      int up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

const char* OpText(CmpOp op) {
  static constexpr const char* kText[] = {"=", "!=", "<", "<=", ">", ">="};
  return kText[static_cast<int>(op)];
}

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

// ---------------------------------------------------------------------------------
// The parser: recursive descent, one function per grammar rule (docs/policy-rules.md).

class Parser {
 public:
  Parser(std::vector<Token> tokens, RuleLimits limits, SourcePos* error_at, const char* what)
      : tokens_(std::move(tokens)), limits_(limits), error_at_(error_at), what_(what) {}

  std::vector<Node> nodes;

  Result<int32_t> Rule() {
    if (Peek().kind == Tok::kEnd) return Fail(Peek(), "the rule is empty; expected a condition");
    TC_ASSIGN_OR_RETURN(int32_t root, Or(0));
    if (Peek().kind != Tok::kEnd)
      return Fail(Peek(), "expected 'and', 'or' or the end of the rule, found " + Found(Peek()));
    return root;
  }
  Result<int32_t> Formula() {
    if (Peek().kind == Tok::kEnd) return Fail(Peek(), "the formula is empty; expected a value");
    TC_ASSIGN_OR_RETURN(int32_t root, Sum(0));
    if (Peek().kind != Tok::kEnd) {
      return Fail(Peek(), "expected an operator (+, -, *, /) or the end of the formula, found " + Found(Peek()));
    }
    return root;
  }

 private:
  const Token& Peek(size_t k = 0) const { return tokens_[std::min(pos_ + k, tokens_.size() - 1)]; }
  const Token& Next() {
    const Token& t = Peek();
    if (pos_ + 1 < tokens_.size()) ++pos_;
    return t;
  }
  static bool Is(const Token& t, std::string_view keyword) { return t.kind == Tok::kName && t.text == keyword; }

  std::string Found(const Token& t) const {
    switch (t.kind) {
      case Tok::kEnd:
        return std::string("the end of the ") + what_;
      case Tok::kString:
        return Quote(t.text);
      case Tok::kNumber:
        return t.text;
      default:
        return "'" + t.text + "'";
    }
  }
  Status Fail(const Token& at, const std::string& message) { return ErrorAt(at.pos, message, error_at_); }
  Status CheckDepth(const Token& at, int depth) {
    if (depth > limits_.max_depth) {
      return Fail(at, "nested more than " + std::to_string(limits_.max_depth) + " levels deep");
    }
    return Status::Ok();
  }
  int32_t Add(Node n) {
    nodes.push_back(std::move(n));
    return static_cast<int32_t>(nodes.size() - 1);
  }
  Status Expect(Tok kind, const char* symbol, const std::string& context) {
    if (Peek().kind != kind) {
      return Fail(Peek(), std::string("expected '") + symbol + "' " + context + ", found " + Found(Peek()));
    }
    Next();
    return Status::Ok();
  }

  // or_expr = and_expr { "or" and_expr }; and the same for "and" (n-ary, flattened).
  Result<int32_t> Or(int depth) { return Chain(depth, NodeKind::kOr, "or"); }
  Result<int32_t> Chain(int depth, NodeKind kind, const char* keyword) {
    std::vector<int32_t> parts;
    for (;;) {
      auto part = kind == NodeKind::kOr ? Chain(depth, NodeKind::kAnd, "and") : Unary(depth);
      if (!part) return part.status();
      if (nodes[*part].kind == kind) {  // parenthesised: (a and b) and c is a and b and c
        for (int32_t c : nodes[*part].children) parts.push_back(c);
      } else {
        parts.push_back(*part);
      }
      if (!Is(Peek(), keyword)) break;
      Next();
    }
    if (parts.size() == 1 && nodes[parts[0]].kind != kind) return parts[0];
    Node n;
    n.kind = kind;
    n.children = std::move(parts);
    return Add(std::move(n));
  }

  // unary = "not" unary | primary
  Result<int32_t> Unary(int depth) {
    if (Is(Peek(), "not")) {
      const Token& t = Next();
      TC_RETURN_IF_ERROR(CheckDepth(t, depth + 1));
      TC_ASSIGN_OR_RETURN(int32_t child, Unary(depth + 1));
      Node n;
      n.kind = NodeKind::kNot;
      n.children = {child};
      return Add(std::move(n));
    }
    return Primary(depth);
  }

  // primary = "(" or_expr ")" | "true" | "false" | condition
  Result<int32_t> Primary(int depth) {
    const Token& t = Peek();
    if (t.kind == Tok::kLParen) {
      Next();
      TC_RETURN_IF_ERROR(CheckDepth(t, depth + 1));
      TC_ASSIGN_OR_RETURN(int32_t inner, Or(depth + 1));
      TC_RETURN_IF_ERROR(Expect(
          Tok::kRParen, ")",
          "to close the '(' of line " + std::to_string(t.pos.line) + ", column " + std::to_string(t.pos.column)));
      return inner;
    }
    if (Is(t, "true") || Is(t, "false")) {
      Next();
      Node n;
      n.kind = NodeKind::kConst;
      n.value = Is(t, "true");
      return Add(std::move(n));
    }
    if (t.kind == Tok::kName && !IsKeyword(t.text)) return Condition();
    return Fail(t, "expected a condition (a fact, 'not', 'true', 'false' or '('), found " + Found(t));
  }

  Result<Fact> FactOf(const Token& t) {
    if (auto f = FactNamed(t.text)) return *f;
    std::string best;
    int best_distance = 3;
    for (const auto& info : kFacts) {
      int d = EditDistance(t.text, info.name);
      if (d < best_distance) best_distance = d, best = std::string(info.name);
    }
    if (!best.empty()) return Fail(t, "unknown fact '" + t.text + "' (did you mean '" + best + "'?)");
    std::string all;
    for (const auto& info : kFacts) all += (all.empty() ? "" : ", ") + std::string(info.name);
    return Fail(t, "unknown fact '" + t.text + "'; the facts are " + all);
  }

  // A number literal, with an optional minus sign.
  Result<double> NumberLiteral(const std::string& expected) {
    const Token& t = Peek();
    if (t.kind == Tok::kMinus && Peek(1).kind == Tok::kNumber) {
      Next();
      return -Next().number;
    }
    if (t.kind == Tok::kNumber) return Next().number;
    return Fail(t, "expected " + expected + ", found " + Found(t));
  }

  // A text value of `fact` (a string), checked against the fact's codes; a prefix for starts_with.
  Result<std::string> TextLiteral(Fact fact, const std::string& expected, bool prefix) {
    const Token& t = Peek();
    if (t.kind != Tok::kString) return Fail(t, "expected " + expected + ", found " + Found(t));
    Next();
    std::string v = t.text;
    const std::string_view name = InfoOf(fact).name;
    const auto lower = [&] {
      for (char& c : v)
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    };
    const auto one_of = [&](const auto& values, const std::string& list) -> Status {
      for (std::string_view s : values) {
        if (prefix ? s.starts_with(v) : s == v) return Status::Ok();
      }
      return Fail(t, std::string(prefix ? "no " : "unknown ") + std::string(name) + " " +
                         (prefix ? "starts with " : "") + Quote(v) + "; expected " + list);
    };
    if (v.empty()) return Fail(t, "expected " + expected + ", found an empty string");
    const bool digits = std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
    switch (fact) {
      case Fact::kIndustry:
        if (v.size() == 1 && v[0] >= 'a' && v[0] <= 't') v[0] = static_cast<char>(v[0] - 'a' + 'A');
        if (v.size() != 1 || v[0] < 'A' || v[0] > 'T') {
          return Fail(t, "unknown industry " + Quote(v) + "; expected a GB/T 4754 section letter A–T");
        }
        break;
      case Fact::kDivision:
        if (!digits || (prefix ? v.size() > 2 : v.size() != 2)) {
          return Fail(t, "unknown division " + Quote(v) + "; expected a GB/T 4754 division of two digits (\"36\")" +
                             (prefix ? " or its first digit" : ""));
        }
        break;
      case Fact::kDistrict:
        if (!digits || (prefix ? v.size() > 12 : v.size() != 12)) {
          return Fail(t, "unknown district " + Quote(v) + "; expected a 12-digit district code (\"220102000000\")" +
                             (prefix ? " or its first digits" : ""));
        }
        break;
      case Fact::kSize:
        lower();
        TC_RETURN_IF_ERROR(one_of(kSizes, "large, medium, small or micro"));
        break;
      case Fact::kResumption:
        lower();
        TC_RETURN_IF_ERROR(one_of(kResumptionStates, "not_filed, returned, held, filed or open"));
        break;
      default:
        assert(false);
    }
    return v;
  }

  static std::string TypeWord(FactType type) {
    return type == FactType::kText ? "text" : type == FactType::kBool ? "true or false" : "a number";
  }

  // condition = fact [ cmp value | ["not"] "in" list | "between" number "and" number
  //                    | "starts_with" string ]
  Result<int32_t> Condition() {
    const Token& name = Next();
    TC_ASSIGN_OR_RETURN(Fact fact, FactOf(name));
    const FactInfo& info = InfoOf(fact);
    const std::string fname(info.name);
    const std::string is = fname + " is " + TypeWord(info.type);
    Node n;
    n.fact = fact;
    const Token& t = Peek();
    if (t.kind == Tok::kCmp) {
      Next();
      n.op = t.op;
      const std::string after = "after '" + t.text + "' (" + is + ")";
      switch (info.type) {
        case FactType::kBool: {
          if (t.op != CmpOp::kEq && t.op != CmpOp::kNe) {
            return Fail(t, "'" + t.text + "' does not apply to " + fname + ", which is true or false; write " + fname +
                               ", not " + fname + " or " + fname + " = false");
          }
          const Token& v = Peek();
          if (!Is(v, "true") && !Is(v, "false"))
            return Fail(v, "expected true or false " + after + ", found " + Found(v));
          Next();
          n.kind = NodeKind::kBoolIs;
          n.value = Is(v, "true") == (t.op == CmpOp::kEq);
          n.op = CmpOp::kEq;
          return Add(std::move(n));
        }
        case FactType::kText: {
          if (t.op != CmpOp::kEq && t.op != CmpOp::kNe) {
            return Fail(t, "'" + t.text + "' does not apply to " + fname +
                               ", which is text; use =, !=, in, not in or starts_with");
          }
          TC_ASSIGN_OR_RETURN(n.text, TextLiteral(fact, "a \"quoted\" value " + after, false));
          n.kind = NodeKind::kTextCompare;
          return Add(std::move(n));
        }
        case FactType::kNumber: {
          TC_ASSIGN_OR_RETURN(n.number, NumberLiteral("a number " + after));
          n.kind = NodeKind::kNumCompare;
          return Add(std::move(n));
        }
      }
    }
    if (Is(t, "not") && !Is(Peek(1), "in")) return Fail(Peek(1), "expected 'in' after 'not', found " + Found(Peek(1)));
    if (Is(t, "in") || Is(t, "not")) {
      n.negated = Is(t, "not");
      if (n.negated) Next();
      const Token& in = Next();
      if (info.type == FactType::kBool) {
        return Fail(
            in, "'in' does not apply to " + fname + ", which is true or false; write " + fname + " or not " + fname);
      }
      const Token& open = Peek();
      if (open.kind != Tok::kLBracket && open.kind != Tok::kLParen) {
        return Fail(open, "expected '[' after 'in', found " + Found(open));
      }
      Next();
      const Tok close = open.kind == Tok::kLBracket ? Tok::kRBracket : Tok::kRParen;
      const char* close_text = close == Tok::kRBracket ? "]" : ")";
      std::string after = "'" + open.text + "'";
      for (;;) {
        const std::string expected = "a value after " + after + " (" + is + ")";
        if (info.type == FactType::kText) {
          TC_ASSIGN_OR_RETURN(std::string v, TextLiteral(fact, expected, false));
          n.texts.push_back(std::move(v));
        } else {
          TC_ASSIGN_OR_RETURN(double v, NumberLiteral(expected));
          n.numbers.push_back(v);
        }
        const Token& sep = Peek();
        if (sep.kind == close) {
          Next();
          break;
        }
        if (sep.kind != Tok::kComma) {
          return Fail(sep, std::string("expected ',' or '") + close_text + "' in the list, found " + Found(sep));
        }
        Next();
        after = "','";
      }
      n.kind = info.type == FactType::kText ? NodeKind::kTextIn : NodeKind::kNumIn;
      return Add(std::move(n));
    }
    if (Is(t, "between")) {
      Next();
      if (info.type != FactType::kNumber) {
        return Fail(t, "'between' applies to numbers; " + is);
      }
      TC_ASSIGN_OR_RETURN(n.number, NumberLiteral("a number after 'between'"));
      if (!Is(Peek(), "and")) {
        return Fail(Peek(), "expected 'and' after 'between " + FormatNumber(n.number) + "', found " + Found(Peek()));
      }
      Next();
      const Token& hi = Peek();
      TC_ASSIGN_OR_RETURN(n.number2, NumberLiteral("a number after 'and'"));
      if (n.number > n.number2) {
        return Fail(
            hi, "the lower bound " + FormatNumber(n.number) + " is above the upper bound " + FormatNumber(n.number2));
      }
      n.kind = NodeKind::kNumBetween;
      return Add(std::move(n));
    }
    if (Is(t, "starts_with")) {
      Next();
      if (info.type != FactType::kText) return Fail(t, "'starts_with' applies to text; " + is);
      TC_ASSIGN_OR_RETURN(n.text, TextLiteral(fact, "a \"quoted\" prefix after 'starts_with'", true));
      n.kind = NodeKind::kTextStartsWith;
      return Add(std::move(n));
    }
    if (info.type == FactType::kBool) {
      n.kind = NodeKind::kBoolIs;
      n.value = true;
      return Add(std::move(n));
    }
    return Fail(t, "expected a comparison after '" + fname + "' (" +
                       (info.type == FactType::kText ? "=, !=, in, not in, starts_with"
                                                     : "=, !=, <, <=, >, >=, in, not in, between") +
                       "), found " + Found(t));
  }

  // sum = product { ("+" | "-") product }
  Result<int32_t> Sum(int depth) {
    TC_ASSIGN_OR_RETURN(int32_t left, Product(depth));
    while (Peek().kind == Tok::kPlus || Peek().kind == Tok::kMinus) {
      NodeKind kind = Next().kind == Tok::kPlus ? NodeKind::kAdd : NodeKind::kSub;
      TC_ASSIGN_OR_RETURN(int32_t right, Product(depth));
      Node n;
      n.kind = kind;
      n.children = {left, right};
      left = Add(std::move(n));
    }
    return left;
  }
  // product = factor { ("*" | "/") factor }
  Result<int32_t> Product(int depth) {
    TC_ASSIGN_OR_RETURN(int32_t left, Factor(depth));
    while (Peek().kind == Tok::kStar || Peek().kind == Tok::kSlash) {
      NodeKind kind = Next().kind == Tok::kStar ? NodeKind::kMul : NodeKind::kDiv;
      TC_ASSIGN_OR_RETURN(int32_t right, Factor(depth));
      Node n;
      n.kind = kind;
      n.children = {left, right};
      left = Add(std::move(n));
    }
    return left;
  }
  // factor = "-" number | "-" factor | atom
  Result<int32_t> Factor(int depth) {
    if (Peek().kind == Tok::kMinus) {
      const Token& minus = Next();
      if (Peek().kind == Tok::kNumber) {
        Node n;
        n.kind = NodeKind::kNumber;
        n.number = -Next().number;
        return Add(std::move(n));
      }
      TC_RETURN_IF_ERROR(CheckDepth(minus, depth + 1));
      TC_ASSIGN_OR_RETURN(int32_t child, Factor(depth + 1));
      Node n;
      n.kind = NodeKind::kNeg;
      n.children = {child};
      return Add(std::move(n));
    }
    return Atom(depth);
  }
  // atom = number | fact | "(" sum ")" | ("min" | "max") "(" sum { "," sum } ")"
  //      | "round" "(" sum ")" | "if" "(" or_expr "," sum "," sum ")"
  Result<int32_t> Atom(int depth) {
    const Token& t = Peek();
    Node n;
    if (t.kind == Tok::kNumber) {
      Next();
      n.kind = NodeKind::kNumber;
      n.number = t.number;
      return Add(std::move(n));
    }
    if (t.kind == Tok::kLParen) {
      Next();
      TC_RETURN_IF_ERROR(CheckDepth(t, depth + 1));
      TC_ASSIGN_OR_RETURN(int32_t inner, Sum(depth + 1));
      TC_RETURN_IF_ERROR(Expect(
          Tok::kRParen, ")",
          "to close the '(' of line " + std::to_string(t.pos.line) + ", column " + std::to_string(t.pos.column)));
      return inner;
    }
    if (t.kind == Tok::kName && (t.text == "min" || t.text == "max" || t.text == "round" || t.text == "if")) {
      Next();
      TC_RETURN_IF_ERROR(CheckDepth(t, depth + 1));
      TC_RETURN_IF_ERROR(Expect(Tok::kLParen, "(", "after '" + t.text + "'"));
      const std::string fn = t.text;
      if (fn == "if") {
        n.kind = NodeKind::kIf;
        TC_ASSIGN_OR_RETURN(int32_t cond, Or(depth + 1));
        TC_RETURN_IF_ERROR(Expect(Tok::kComma, ",", "after the condition of 'if'"));
        TC_ASSIGN_OR_RETURN(int32_t then, Sum(depth + 1));
        TC_RETURN_IF_ERROR(Expect(Tok::kComma, ",", "after the second argument of 'if'"));
        TC_ASSIGN_OR_RETURN(int32_t other, Sum(depth + 1));
        TC_RETURN_IF_ERROR(Expect(Tok::kRParen, ")", "after the third argument of 'if'"));
        n.children = {cond, then, other};
        return Add(std::move(n));
      }
      n.kind = fn == "min" ? NodeKind::kMin : fn == "max" ? NodeKind::kMax : NodeKind::kRound;
      for (;;) {
        TC_ASSIGN_OR_RETURN(int32_t arg, Sum(depth + 1));
        n.children.push_back(arg);
        if (n.kind == NodeKind::kRound) {
          TC_RETURN_IF_ERROR(Expect(Tok::kRParen, ")", "after the value of 'round'"));
          break;
        }
        if (Peek().kind == Tok::kRParen) {
          Next();
          break;
        }
        TC_RETURN_IF_ERROR(Expect(Tok::kComma, ",", "or ')' after an argument of '" + fn + "'"));
      }
      return Add(std::move(n));
    }
    if (t.kind == Tok::kName && !IsKeyword(t.text)) {
      Next();
      TC_ASSIGN_OR_RETURN(Fact fact, FactOf(t));
      const FactInfo& info = InfoOf(fact);
      const std::string fname(info.name);
      if (info.type == FactType::kBool) {
        return Fail(t, fname + " is true or false, not a number; write if(" + fname + ", …, …)");
      }
      if (info.type == FactType::kText) {
        return Fail(t, fname + " is text, not a number; write if(" + fname + " = \"…\", …, …)");
      }
      n.kind = NodeKind::kNumFact;
      n.fact = fact;
      return Add(std::move(n));
    }
    return Fail(t, "expected a value (a number, a fact, '(', min, max, round or if), found " + Found(t));
  }

  std::vector<Token> tokens_;
  size_t pos_ = 0;
  RuleLimits limits_;
  SourcePos* error_at_;
  const char* what_;
};

// Rebuilds the nodes reachable from `root` in post-order, so that equal trees are equal
// vectors (parsing leaves spliced and-/or-groups behind).
int32_t Compact(const std::vector<Node>& in, int32_t index, std::vector<Node>* out) {
  Node n = in[index];
  for (int32_t& c : n.children) c = Compact(in, c, out);
  out->push_back(std::move(n));
  return static_cast<int32_t>(out->size() - 1);
}

template <typename T>
Result<T> ParseTree(std::string_view text, SourcePos* error_at, RuleLimits limits, bool formula) {
  std::vector<Ch> chars;
  TC_RETURN_IF_ERROR(Decode(text, limits, &chars, error_at));
  SourcePos end{1, 1, static_cast<int>(text.size()) + 1};
  if (!chars.empty()) {
    const Ch& last = chars.back();
    end = last.cp == '\n' ? SourcePos{last.pos.line + 1, 1, end.offset}
                          : SourcePos{last.pos.line, last.pos.column + 1, end.offset};
  }
  std::vector<Token> tokens;
  TC_RETURN_IF_ERROR(Lex(chars, end, &tokens, error_at));
  Parser parser(std::move(tokens), limits, error_at, formula ? "formula" : "rule");
  auto root = formula ? parser.Formula() : parser.Rule();
  if (!root) return root.status();
  T tree;
  tree.root = Compact(parser.nodes, *root, &tree.nodes);
  return tree;
}

// ---------------------------------------------------------------------------------
// Printing.

void PrintRule(const std::vector<Node>& nodes, int32_t i, std::string& out);
void PrintFormula(const std::vector<Node>& nodes, int32_t i, std::string& out);

void PrintLeaf(const Node& n, std::string& out) {
  const std::string_view name = InfoOf(n.fact).name;
  switch (n.kind) {
    case NodeKind::kConst:
      out += n.value ? "true" : "false";
      return;
    case NodeKind::kBoolIs:
      out += name;
      if (!n.value) out += " = false";
      return;
    case NodeKind::kNumCompare:
      out += std::string(name) + " " + OpText(n.op) + " " + FormatNumber(n.number);
      return;
    case NodeKind::kNumBetween:
      out += std::string(name) + " between " + FormatNumber(n.number) + " and " + FormatNumber(n.number2);
      return;
    case NodeKind::kTextCompare:
      out += std::string(name) + " " + OpText(n.op) + " " + Quote(n.text);
      return;
    case NodeKind::kTextStartsWith:
      out += std::string(name) + " starts_with " + Quote(n.text);
      return;
    case NodeKind::kNumIn:
    case NodeKind::kTextIn: {
      out += std::string(name) + (n.negated ? " not in [" : " in [");
      const size_t count = n.kind == NodeKind::kNumIn ? n.numbers.size() : n.texts.size();
      for (size_t k = 0; k < count; ++k) {
        if (k) out += ", ";
        out += n.kind == NodeKind::kNumIn ? FormatNumber(n.numbers[k]) : Quote(n.texts[k]);
      }
      out += "]";
      return;
    }
    default:
      assert(false);
  }
}

void PrintRule(const std::vector<Node>& nodes, int32_t i, std::string& out) {
  const Node& n = nodes[i];
  switch (n.kind) {
    case NodeKind::kAnd:
    case NodeKind::kOr: {
      const bool is_and = n.kind == NodeKind::kAnd;
      for (size_t k = 0; k < n.children.size(); ++k) {
        if (k) out += is_and ? " and " : " or ";
        const bool paren = is_and && nodes[n.children[k]].kind == NodeKind::kOr;
        if (paren) out += "(";
        PrintRule(nodes, n.children[k], out);
        if (paren) out += ")";
      }
      return;
    }
    case NodeKind::kNot: {
      const NodeKind ck = nodes[n.children[0]].kind;
      const bool paren = ck == NodeKind::kAnd || ck == NodeKind::kOr;
      out += paren ? "not (" : "not ";
      PrintRule(nodes, n.children[0], out);
      if (paren) out += ")";
      return;
    }
    default:
      PrintLeaf(n, out);
  }
}

int Precedence(const Node& n) {
  switch (n.kind) {
    case NodeKind::kAdd:
    case NodeKind::kSub:
      return 1;
    case NodeKind::kMul:
    case NodeKind::kDiv:
      return 2;
    case NodeKind::kNeg:
      return 3;
    case NodeKind::kNumber:
      return n.number < 0 ? 3 : 4;
    default:
      return 4;
  }
}

void PrintFormula(const std::vector<Node>& nodes, int32_t i, std::string& out) {
  const Node& n = nodes[i];
  const auto child = [&](int32_t c, bool paren) {
    if (paren) out += "(";
    PrintFormula(nodes, c, out);
    if (paren) out += ")";
  };
  switch (n.kind) {
    case NodeKind::kNumber:
      out += FormatNumber(n.number);
      return;
    case NodeKind::kNumFact:
      out += InfoOf(n.fact).name;
      return;
    case NodeKind::kAdd:
    case NodeKind::kSub:
    case NodeKind::kMul:
    case NodeKind::kDiv: {
      static constexpr const char* kOp[] = {" + ", " - ", " * ", " / "};
      const int p = Precedence(n);
      child(n.children[0], Precedence(nodes[n.children[0]]) < p);
      out += kOp[static_cast<int>(n.kind) - static_cast<int>(NodeKind::kAdd)];
      child(n.children[1], Precedence(nodes[n.children[1]]) <= p);
      return;
    }
    case NodeKind::kNeg: {
      const Node& c = nodes[n.children[0]];
      out += "-";
      child(n.children[0], c.kind == NodeKind::kNumber || Precedence(c) < 3);
      return;
    }
    case NodeKind::kMin:
    case NodeKind::kMax:
    case NodeKind::kRound:
      out += n.kind == NodeKind::kMin ? "min(" : n.kind == NodeKind::kMax ? "max(" : "round(";
      for (size_t k = 0; k < n.children.size(); ++k) {
        if (k) out += ", ";
        PrintFormula(nodes, n.children[k], out);
      }
      out += ")";
      return;
    case NodeKind::kIf:
      out += "if(";
      PrintRule(nodes, n.children[0], out);
      out += ", ";
      PrintFormula(nodes, n.children[1], out);
      out += ", ";
      PrintFormula(nodes, n.children[2], out);
      out += ")";
      return;
    default:
      assert(false);
  }
}

// ---------------------------------------------------------------------------------
// SQL.

constexpr size_t kMaxSql = 1 << 20;

std::string SqlString(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

const char* SqlOp(CmpOp op) {
  static constexpr const char* kText[] = {"=", "<>", "<", "<=", ">", ">="};
  return kText[static_cast<int>(op)];
}

// Appends SQL to out; false once out grows past kMaxSql.
bool SqlRule(const std::vector<Node>& nodes, int32_t i, std::string& out);
bool SqlFormula(const std::vector<Node>& nodes, int32_t i, std::string& out);

bool SqlRule(const std::vector<Node>& nodes, int32_t i, std::string& out) {
  if (out.size() > kMaxSql) return false;
  const Node& n = nodes[i];
  const std::string name(InfoOf(n.fact).name);
  switch (n.kind) {
    case NodeKind::kConst:
      out += n.value ? "(1 = 1)" : "(1 = 0)";
      return true;
    case NodeKind::kAnd:
    case NodeKind::kOr:
      out += "(";
      for (size_t k = 0; k < n.children.size(); ++k) {
        if (k) out += n.kind == NodeKind::kAnd ? " AND " : " OR ";
        if (!SqlRule(nodes, n.children[k], out)) return false;
      }
      out += ")";
      return true;
    case NodeKind::kNot:
      out += "(NOT ";
      if (!SqlRule(nodes, n.children[0], out)) return false;
      out += ")";
      return true;
    case NodeKind::kBoolIs:
      out += name + (n.value ? " = 1" : " = 0");
      return true;
    case NodeKind::kNumCompare:
      out += name + " " + SqlOp(n.op) + " " + FormatNumber(n.number);
      return true;
    case NodeKind::kNumBetween:
      out += "(" + name + " BETWEEN " + FormatNumber(n.number) + " AND " + FormatNumber(n.number2) + ")";
      return true;
    case NodeKind::kTextCompare:
      out += name + " " + SqlOp(n.op) + " " + SqlString(n.text);
      return true;
    case NodeKind::kTextStartsWith: {
      // Characters, not bytes, on both: substr counts characters of TEXT in SQLite and PostgreSQL.
      size_t chars = 0;
      for (char c : n.text) chars += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
      out += "substr(" + name + ", 1, " + std::to_string(chars) + ") = " + SqlString(n.text);
      return true;
    }
    case NodeKind::kNumIn:
    case NodeKind::kTextIn: {
      out += name + (n.negated ? " NOT IN (" : " IN (");
      const size_t count = n.kind == NodeKind::kNumIn ? n.numbers.size() : n.texts.size();
      for (size_t k = 0; k < count; ++k) {
        if (k) out += ", ";
        out += n.kind == NodeKind::kNumIn ? FormatNumber(n.numbers[k]) : SqlString(n.texts[k]);
      }
      out += ")";
      return true;
    }
    default:
      assert(false);
      return false;
  }
}

bool SqlFormula(const std::vector<Node>& nodes, int32_t i, std::string& out) {
  if (out.size() > kMaxSql) return false;
  const Node& n = nodes[i];
  const auto sub = [&](int32_t c) { return SqlFormula(nodes, c, out); };
  switch (n.kind) {
    case NodeKind::kNumber:
      out += "CAST(" + FormatNumber(n.number) + " AS DOUBLE PRECISION)";
      return true;
    case NodeKind::kNumFact:
      out += InfoOf(n.fact).name;
      return true;
    case NodeKind::kAdd:
    case NodeKind::kSub:
    case NodeKind::kMul: {
      static constexpr const char* kOp[] = {" + ", " - ", " * "};
      out += "(";
      if (!sub(n.children[0])) return false;
      out += kOp[static_cast<int>(n.kind) - static_cast<int>(NodeKind::kAdd)];
      if (!sub(n.children[1])) return false;
      out += ")";
      return true;
    }
    case NodeKind::kDiv:  // x / 0 is 0: NULLIF makes it NULL, COALESCE 0
      out += "COALESCE(";
      if (!sub(n.children[0])) return false;
      out += " / NULLIF(";
      if (!sub(n.children[1])) return false;
      out += ", 0), 0)";
      return true;
    case NodeKind::kNeg:
      out += "(-";
      if (!sub(n.children[0])) return false;
      out += ")";
      return true;
    case NodeKind::kMin:
    case NodeKind::kMax: {
      // min(a, b, c) = min(min(a, b), c); each step CASE WHEN x <= y THEN x ELSE y END.
      const char* cmp = n.kind == NodeKind::kMin ? " <= " : " >= ";
      std::string acc;
      if (!SqlFormula(nodes, n.children[0], acc)) return false;
      for (size_t k = 1; k < n.children.size(); ++k) {
        std::string next;
        if (!SqlFormula(nodes, n.children[k], next)) return false;
        acc = "CASE WHEN " + acc + cmp + next + " THEN " + acc + " ELSE " + next + " END";
        if (acc.size() + out.size() > kMaxSql) return false;
      }
      out += acc;
      return true;
    }
    case NodeKind::kRound:
      // To 9 decimal places first (as RoundAmount), then halves away from zero: ROUND of
      // NUMERIC on PostgreSQL (its ROUND of a double rounds halves to even), REAL on SQLite.
      out += "CAST(ROUND(ROUND(CAST(";
      if (!sub(n.children[0])) return false;
      out += " AS NUMERIC), 9)) AS DOUBLE PRECISION)";
      return true;
    case NodeKind::kIf:
      out += "CASE WHEN ";
      if (!SqlRule(nodes, n.children[0], out)) return false;
      out += " THEN ";
      if (!sub(n.children[1])) return false;
      out += " ELSE ";
      if (!sub(n.children[2])) return false;
      out += " END";
      return true;
    default:
      assert(false);
      return false;
  }
}

double EvaluateFormulaNode(const std::vector<Node>& nodes, int32_t i, const Facts& facts) {
  const Node& n = nodes[i];
  const auto arg = [&](size_t k) { return EvaluateFormulaNode(nodes, n.children[k], facts); };
  switch (n.kind) {
    case NodeKind::kNumber:
      return n.number;
    case NodeKind::kNumFact:
      return NumberOf(facts, n.fact);
    case NodeKind::kAdd:
      return arg(0) + arg(1);
    case NodeKind::kSub:
      return arg(0) - arg(1);
    case NodeKind::kMul:
      return arg(0) * arg(1);
    case NodeKind::kDiv: {
      const double d = arg(1);
      return d == 0 ? 0 : arg(0) / d;
    }
    case NodeKind::kNeg:
      return -arg(0);
    case NodeKind::kMin:
    case NodeKind::kMax: {
      double acc = arg(0);
      for (size_t k = 1; k < n.children.size(); ++k) {
        const double v = arg(k);
        acc = n.kind == NodeKind::kMin ? (acc <= v ? acc : v) : (acc >= v ? acc : v);
      }
      return acc;
    }
    case NodeKind::kRound:
      return RoundAmount(arg(0));
    case NodeKind::kIf:
      return EvaluateNode(nodes, n.children[0], facts) ? arg(1) : arg(2);
    default:
      assert(false);
      return 0;
  }
}

std::string ActualText(const Node& n, const Facts& facts) {
  const std::string name(InfoOf(n.fact).name);
  switch (InfoOf(n.fact).type) {
    case FactType::kText:
      return name + " is " + Quote(TextOf(facts, n.fact));
    case FactType::kBool:
      return name + (BoolOf(facts, n.fact) ? " is true" : " is false");
    case FactType::kNumber:
      return name + " is " + FormatNumber(NumberOf(facts, n.fact));
  }
  return "";
}

void ExplainNode(const std::vector<Node>& nodes, int32_t i, const Facts& facts, bool negated, Explanation* out) {
  const Node& n = nodes[i];
  switch (n.kind) {
    case NodeKind::kAnd:
    case NodeKind::kOr:
      for (int32_t c : n.children) ExplainNode(nodes, c, facts, negated, out);
      return;
    case NodeKind::kNot:
      ExplainNode(nodes, n.children[0], facts, !negated, out);
      return;
    default: {
      ExplainedCondition c;
      PrintLeaf(n, c.condition);
      c.holds = EvaluateNode(nodes, i, facts);
      if (n.kind != NodeKind::kConst) c.actual = ActualText(n, facts);
      c.negated = negated;
      out->conditions.push_back(std::move(c));
    }
  }
}

}  // namespace

const FactInfo& InfoOf(Fact fact) { return kFacts[static_cast<int>(fact)]; }

std::optional<Fact> FactNamed(std::string_view name) {
  for (int i = 0; i < kFactCount; ++i) {
    if (kFacts[i].name == name) return static_cast<Fact>(i);
  }
  return std::nullopt;
}

const std::string& TextOf(const Facts& f, Fact fact) {
  switch (fact) {
    case Fact::kIndustry:
      return f.industry;
    case Fact::kDivision:
      return f.division;
    case Fact::kSize:
      return f.size;
    case Fact::kDistrict:
      return f.district;
    case Fact::kResumption:
      return f.resumption;
    default:
      assert(false);
      return f.industry;
  }
}

bool BoolOf(const Facts& f, Fact fact) {
  switch (fact) {
    case Fact::kAboveScale:
      return f.above_scale;
    case Fact::kKey:
      return f.key;
    case Fact::kHighTech:
      return f.high_tech;
    case Fact::kSpecialised:
      return f.specialised;
    default:
      assert(false);
      return false;
  }
}

double NumberOf(const Facts& f, Fact fact) {
  switch (fact) {
    case Fact::kEmployees:
      return f.employees;
    case Fact::kRevenue:
      return f.revenue;
    case Fact::kRevenuePrev:
      return f.revenue_prev;
    case Fact::kRevenueDrop:
      return f.revenue_drop;
    case Fact::kCapacityRate:
      return f.capacity_rate;
    case Fact::kAgeYears:
      return f.age_years;
    case Fact::kEquipmentInvestment:
      return f.equipment_investment;
    default:
      assert(false);
      return 0;
  }
}

std::string FormatNumber(double x) {
  if (x == 0) return "0";  // and -0
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, x);
  return std::string(buf, ec == std::errc() ? end : buf);
}

double RoundAmount(double x) {
  if (!std::isfinite(x) || std::fabs(x) >= 1e15) return std::round(x);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.9f", x);
  return std::round(std::strtod(buf, nullptr));
}

Result<Rule> ParseRule(std::string_view text, SourcePos* error_at, RuleLimits limits) {
  return ParseTree<Rule>(text, error_at, limits, false);
}

Result<Formula> ParseFormula(std::string_view text, SourcePos* error_at, RuleLimits limits) {
  return ParseTree<Formula>(text, error_at, limits, true);
}

bool TextLeafHolds(const Node& n, std::string_view v) {
  switch (n.kind) {
    case NodeKind::kTextCompare:
      return (v == n.text) == (n.op == CmpOp::kEq);
    case NodeKind::kTextIn:
      return (std::find(n.texts.begin(), n.texts.end(), v) != n.texts.end()) != n.negated;
    case NodeKind::kTextStartsWith:
      return v.starts_with(n.text);
    default:
      assert(false);
      return false;
  }
}

bool NumberLeafHolds(const Node& n, double v) {
  switch (n.kind) {
    case NodeKind::kNumCompare:
      switch (n.op) {
        case CmpOp::kEq:
          return v == n.number;
        case CmpOp::kNe:
          return v != n.number;
        case CmpOp::kLt:
          return v < n.number;
        case CmpOp::kLe:
          return v <= n.number;
        case CmpOp::kGt:
          return v > n.number;
        case CmpOp::kGe:
          return v >= n.number;
      }
      return false;
    case NodeKind::kNumBetween:
      return n.number <= v && v <= n.number2;
    case NodeKind::kNumIn:
      return (std::find(n.numbers.begin(), n.numbers.end(), v) != n.numbers.end()) != n.negated;
    default:
      assert(false);
      return false;
  }
}

bool EvaluateNode(const std::vector<Node>& nodes, int32_t i, const Facts& facts) {
  const Node& n = nodes[i];
  switch (n.kind) {
    case NodeKind::kConst:
      return n.value;
    case NodeKind::kAnd:
      for (int32_t c : n.children) {
        if (!EvaluateNode(nodes, c, facts)) return false;
      }
      return true;
    case NodeKind::kOr:
      for (int32_t c : n.children) {
        if (EvaluateNode(nodes, c, facts)) return true;
      }
      return false;
    case NodeKind::kNot:
      return !EvaluateNode(nodes, n.children[0], facts);
    case NodeKind::kBoolIs:
      return BoolOf(facts, n.fact) == n.value;
    case NodeKind::kNumCompare:
    case NodeKind::kNumBetween:
    case NodeKind::kNumIn:
      return NumberLeafHolds(n, NumberOf(facts, n.fact));
    case NodeKind::kTextCompare:
    case NodeKind::kTextIn:
    case NodeKind::kTextStartsWith:
      return TextLeafHolds(n, TextOf(facts, n.fact));
    default:
      assert(false);
      return false;
  }
}

bool Evaluate(const Rule& rule, const Facts& facts) { return EvaluateNode(rule.nodes, rule.root, facts); }

double Evaluate(const Formula& formula, const Facts& facts) {
  return EvaluateFormulaNode(formula.nodes, formula.root, facts);
}

std::string ToString(const Rule& rule) {
  std::string out;
  PrintRule(rule.nodes, rule.root, out);
  return out;
}

std::string ToString(const Formula& formula) {
  std::string out;
  PrintFormula(formula.nodes, formula.root, out);
  return out;
}

Explanation Explain(const Rule& rule, const Facts& facts) {
  Explanation e;
  e.eligible = Evaluate(rule, facts);
  ExplainNode(rule.nodes, rule.root, facts, false, &e);
  return e;
}

std::string Explanation::ToText() const {
  std::string out = eligible ? "eligible" : "not eligible";
  for (const auto& c : conditions) {
    out += "\n";
    out += c.holds ? "✓ " : "✗ ";
    if (c.negated) out += "(must not hold) ";
    out += c.condition;
    if (!c.actual.empty()) out += " (" + c.actual + ")";
  }
  return out;
}

Result<std::string> ToSql(const Rule& rule) {
  std::string out;
  if (!SqlRule(rule.nodes, rule.root, out)) return InvalidArgument("rule: its SQL would exceed 1 MiB");
  return out;
}

Result<std::string> ToSql(const Formula& formula) {
  std::string out;
  if (!SqlFormula(formula.nodes, formula.root, out) || out.size() > kMaxSql) {
    return InvalidArgument("formula: its SQL would exceed 1 MiB (min/max nested too deep)");
  }
  return out;
}

std::string FactColumnsSql() {
  std::string out;
  for (const auto& f : kFacts) {
    if (!out.empty()) out += ", ";
    out += std::string(f.name) + (f.type == FactType::kText   ? " TEXT NOT NULL"
                                  : f.type == FactType::kBool ? " INTEGER NOT NULL"
                                                              : " DOUBLE PRECISION NOT NULL");
  }
  return out;
}

}  // namespace tc::enterprise
