#include "io/xlsx_reader.h"

#include <expat.h>
#include <sys/stat.h>
#include <zip.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <optional>
#include <unordered_map>
#include <utility>

#include "io/internal/xlsx_cells.h"

namespace tc::io {
namespace {

using xlsx::NumberKind;

constexpr std::string_view kOleMagic = "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
constexpr size_t kMaxReservedStrings = size_t{1} << 20;

struct ZipDiscard {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct ZipFileClose {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};
struct ParserFree {
  void operator()(XML_ParserStruct* p) const { XML_ParserFree(p); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipDiscard>;
using ZipFilePtr = std::unique_ptr<zip_file_t, ZipFileClose>;
using ParserPtr = std::unique_ptr<XML_ParserStruct, ParserFree>;

// An element's or attribute's name without its namespace prefix ("x:c" → "c").
std::string_view LocalName(const XML_Char* name) {
  const std::string_view n = name;
  const size_t colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

// The value of the attribute with this local name, or nullptr.
const XML_Char* Attr(const XML_Char** atts, std::string_view local) {
  for (; atts[0] != nullptr; atts += 2) {
    if (LocalName(atts[0]) == local) return atts[1];
  }
  return nullptr;
}

// A size for messages, rounded up: "98 KiB", "512 MiB".
std::string MiB(int64_t bytes) {
  if (bytes < (int64_t{1} << 20)) return std::to_string((bytes + 1023) >> 10) + " KiB";
  return std::to_string((bytes + (int64_t{1} << 20) - 1) >> 20) + " MiB";
}

std::string ZipErrorText(int code) {
  zip_error_t error;
  zip_error_init_with_code(&error, code);
  std::string text = zip_error_strerror(&error);
  zip_error_fini(&error);
  return text;
}

// The folder of a part's name ("xl/workbook.xml" → "xl/"), and a relationship's
// target resolved against it ("worksheets/sheet1.xml" → "xl/worksheets/sheet1.xml").
std::string FolderOf(std::string_view part) {
  const size_t slash = part.rfind('/');
  return slash == std::string_view::npos ? "" : std::string(part.substr(0, slash + 1));
}

std::string ResolveTarget(std::string_view folder, std::string_view target) {
  std::string joined =
      target.starts_with('/') ? std::string(target.substr(1)) : std::string(folder) + std::string(target);
  std::vector<std::string> segments;
  size_t start = 0;
  while (start <= joined.size()) {
    size_t end = joined.find('/', start);
    if (end == std::string::npos) end = joined.size();
    const std::string segment = joined.substr(start, end - start);
    if (segment == "..") {
      if (!segments.empty()) segments.pop_back();
    } else if (!segment.empty() && segment != ".") {
      segments.push_back(segment);
    }
    start = end + 1;
  }
  std::string out;
  for (const std::string& s : segments) out += (out.empty() ? "" : "/") + s;
  return out;
}

std::string RelsOf(std::string_view part) {
  const size_t slash = part.rfind('/');
  const std::string_view file = slash == std::string_view::npos ? part : part.substr(slash + 1);
  return FolderOf(part) + "_rels/" + std::string(file) + ".rels";
}

// A SAX handler for one part. A handler stops the parse with Fail().
class XmlHandler {
 public:
  virtual ~XmlHandler() = default;
  virtual void Start(std::string_view /*name*/, const XML_Char** /*atts*/) {}
  virtual void End(std::string_view /*name*/) {}
  virtual void Text(std::string_view /*text*/) {}

  void Fail(std::string message) {
    if (error_.empty()) error_ = std::move(message);
    XML_StopParser(parser_, XML_FALSE);
  }
  const std::string& error() const { return error_; }

  // A parser calling this handler; external entities are never loaded and a DOCTYPE
  // (what entity expansion attacks need) is refused.
  ParserPtr MakeParser() {
    ParserPtr p(XML_ParserCreate(nullptr));
    if (!p) return p;
    parser_ = p.get();
    XML_SetUserData(parser_, this);
    XML_SetElementHandler(
        parser_,
        [](void* self, const XML_Char* name, const XML_Char** atts) {
          static_cast<XmlHandler*>(self)->Start(LocalName(name), atts);
        },
        [](void* self, const XML_Char* name) { static_cast<XmlHandler*>(self)->End(LocalName(name)); });
    XML_SetCharacterDataHandler(parser_, [](void* self, const XML_Char* s, int len) {
      static_cast<XmlHandler*>(self)->Text(std::string_view(s, static_cast<size_t>(len)));
    });
    XML_SetStartDoctypeDeclHandler(parser_, [](void* self, const XML_Char*, const XML_Char*, const XML_Char*, int) {
      static_cast<XmlHandler*>(self)->Fail("has a DOCTYPE declaration, which no workbook part has");
    });
    return p;
  }

 private:
  XML_Parser parser_ = nullptr;
  std::string error_;
};

struct Relationship {
  std::string type;    // the URI; compared by its last segment ("worksheet")
  std::string target;  // resolved to a part name
};

bool TypeIs(const Relationship& r, std::string_view last_segment) {
  return r.type.size() > last_segment.size() && r.type.ends_with(last_segment) &&
         r.type[r.type.size() - last_segment.size() - 1] == '/';
}

class RelsHandler final : public XmlHandler {
 public:
  explicit RelsHandler(std::string folder) : folder_(std::move(folder)) {}
  void Start(std::string_view name, const XML_Char** atts) override {
    if (name != "Relationship") return;
    const XML_Char* id = Attr(atts, "Id");
    const XML_Char* type = Attr(atts, "Type");
    const XML_Char* target = Attr(atts, "Target");
    const XML_Char* mode = Attr(atts, "TargetMode");
    if (id == nullptr || type == nullptr || target == nullptr) return;
    if (mode != nullptr && std::string_view(mode) == "External") return;
    rels[id] = Relationship{type, ResolveTarget(folder_, target)};
  }
  std::unordered_map<std::string, Relationship> rels;

 private:
  std::string folder_;
};

class WorkbookHandler final : public XmlHandler {
 public:
  struct Sheet {
    std::string name, rel_id;
  };
  void Start(std::string_view name, const XML_Char** atts) override {
    if (name == "sheet") {
      const XML_Char* sheet_name = Attr(atts, "name");
      const XML_Char* id = Attr(atts, "id");
      if (sheet_name != nullptr && id != nullptr) sheets.push_back({sheet_name, id});
    } else if (name == "workbookPr") {
      const XML_Char* d = Attr(atts, "date1904");
      date1904 = d != nullptr && (std::string_view(d) == "1" || std::string_view(d) == "true");
    }
  }
  std::vector<Sheet> sheets;
  bool date1904 = false;
};

// Shared strings (<sst><si>…</si>): plain <t> or rich-text runs <r><t>, concatenated;
// phonetic runs (<rPh>) left out.
class SharedStringsHandler final : public XmlHandler {
 public:
  explicit SharedStringsHandler(std::vector<std::string>& out) : out_(out) {}
  void Start(std::string_view name, const XML_Char** atts) override {
    if (name == "si") {
      in_si_ = true;
      current_.clear();
    } else if (name == "rPh") {
      ++in_phonetic_;
    } else if (name == "t") {
      capture_ = in_si_ && in_phonetic_ == 0;
    } else if (name == "sst") {
      if (const XML_Char* count = Attr(atts, "uniqueCount"); count != nullptr) {
        size_t n = 0;
        std::from_chars(count, count + std::char_traits<char>::length(count), n);
        out_.reserve(std::min(n, kMaxReservedStrings));
      }
    }
  }
  void End(std::string_view name) override {
    if (name == "t") {
      capture_ = false;
    } else if (name == "rPh") {
      --in_phonetic_;
    } else if (name == "si") {
      xlsx::DecodeEscapes(current_);
      out_.push_back(std::move(current_));
      current_.clear();
      in_si_ = false;
    }
  }
  void Text(std::string_view text) override {
    if (capture_) current_.append(text);
  }

 private:
  std::vector<std::string>& out_;
  std::string current_;
  bool in_si_ = false;
  bool capture_ = false;
  int in_phonetic_ = 0;
};

// The number format of each cell style (<cellXfs><xf numFmtId>), custom formats
// (<numFmts><numFmt>) looked at for dates.
class StylesHandler final : public XmlHandler {
 public:
  void Start(std::string_view name, const XML_Char** atts) override {
    if (name == "numFmt") {
      const XML_Char* id = Attr(atts, "numFmtId");
      const XML_Char* code = Attr(atts, "formatCode");
      if (id != nullptr && code != nullptr) custom_[std::atoi(id)] = xlsx::FormatCodeKind(code);
    } else if (name == "cellXfs") {
      in_cell_xfs_ = true;
    } else if (name == "xf" && in_cell_xfs_) {
      const XML_Char* id = Attr(atts, "numFmtId");
      xf_format_ids_.push_back(id == nullptr ? 0 : std::atoi(id));
    }
  }
  void End(std::string_view name) override {
    if (name == "cellXfs") in_cell_xfs_ = false;
  }
  std::vector<NumberKind> Kinds() const {
    std::vector<NumberKind> kinds;
    kinds.reserve(xf_format_ids_.size());
    for (int id : xf_format_ids_) {
      const auto custom = custom_.find(id);
      kinds.push_back(custom != custom_.end() ? custom->second : xlsx::BuiltinFormatKind(id));
    }
    return kinds;
  }

 private:
  std::unordered_map<int, NumberKind> custom_;
  std::vector<int> xf_format_ids_;
  bool in_cell_xfs_ = false;
};

// A part of the archive being inflated, its size checked against the limits.
struct Part {
  std::string name;
  ZipFilePtr file;
  int64_t size = 0;        // declared, uncompressed
  int64_t compressed = 0;  // declared
  int64_t read = 0;        // inflated so far
};

}  // namespace

struct XlsxReader::Impl final : XmlHandler {
  std::string name;  // the workbook, in messages
  XlsxOptions options;
  std::string path;   // the file, when opened by path
  std::string bytes;  // else the archive, in memory (libzip reads it in place)
  int64_t file_size = 0;
  ZipPtr zip;

  std::vector<std::string> sheet_names;
  std::string sheet;
  bool date1904 = false;
  std::vector<std::string> shared;
  std::vector<NumberKind> xf_kinds;

  // The sheet, inflated and parsed a chunk at a time; the parser is suspended after
  // each row it completes (or refuses) and resumed by the next Next().
  Part sheet_part;
  ParserPtr parser;
  bool suspended = false;
  bool fed_final = false;
  bool parse_done = false;
  Status final_error;
  int64_t skipped = 0;
  std::vector<std::string> header;  // for naming columns in messages

  // The row being parsed.
  enum class Ready { kNone, kRow, kError };
  Ready ready = Ready::kNone;
  Row current;
  size_t width = 0;  // fields up to the last non-empty cell
  int64_t last_row = 0;
  std::string row_error;  // the row's first problem
  bool in_sheet_data = false;
  bool in_row = false;
  // The cell being parsed.
  enum class CellType { kNumber, kShared, kInline, kString, kBool, kError, kIsoDate };
  bool in_cell = false;
  CellType cell_type = CellType::kNumber;
  int cell_column = 0;
  int last_column = -1;
  int cell_style = 0;
  std::string cell_ref;
  std::string cell_text;
  bool capture = false;
  int in_inline = 0;
  int in_phonetic = 0;

  std::string Where(const std::string& part) const { return name + ": " + part + ": "; }

  Status OpenArchive();
  Result<std::optional<Part>> OpenPart(const std::string& part_name);
  Result<size_t> ReadPart(Part& part, char* buf, size_t n);
  Status ParseWhole(const std::string& part_name, XmlHandler& handler, bool required);
  Status Load();
  Status Pump();

  std::string ColumnName(int column) const {
    std::string text = "column " + xlsx::ColumnLetters(column);
    if (static_cast<size_t>(column) < header.size() && !header[column].empty()) text += " (" + header[column] + ")";
    return text;
  }
  void RowError(std::string message) {
    if (row_error.empty()) row_error = "row " + std::to_string(current.line) + ", " + std::move(message);
  }
  void Start(std::string_view name, const XML_Char** atts) override;
  void End(std::string_view name) override;
  void Text(std::string_view text) override {
    if (capture) cell_text.append(text);
  }
  void EndCell();
};

Status XlsxReader::Impl::OpenArchive() {
  const auto not_zip = [&](std::string_view head) {
    if (head.starts_with(kOleMagic)) {
      return InvalidArgument(name +
                             ": an OLE compound file, not an XLSX workbook: an old .xls workbook, or an .xlsx "
                             "encrypted with a password; save it as .xlsx (Excel 2007 or later) without a password");
    }
    return InvalidArgument(name + ": not an XLSX workbook (not a zip archive, or cut short)");
  };
  if (!path.empty()) {  // read in place by libzip: only the parts being inflated are in memory
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) return NotFound("cannot open " + path);
    file_size = st.st_size;
    int code = 0;
    zip.reset(zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &code));
    if (zip) return Status::Ok();
    if (code == ZIP_ER_NOENT || code == ZIP_ER_OPEN) return NotFound("cannot open " + path + ": " + ZipErrorText(code));
    if (code != ZIP_ER_NOZIP && code != ZIP_ER_INCONS) {
      return InvalidArgument(name + ": not a readable XLSX workbook: " + ZipErrorText(code));
    }
    std::ifstream in(path, std::ios::binary);
    std::string head(kOleMagic.size(), '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    head.resize(static_cast<size_t>(in.gcount()));
    return not_zip(head);
  }
  file_size = static_cast<int64_t>(bytes.size());
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source == nullptr) {
    Status s = Internal(name + ": " + zip_error_strerror(&error));
    zip_error_fini(&error);
    return s;
  }
  zip.reset(zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error));
  if (!zip) {
    zip_source_free(source);
    const int code = zip_error_code_zip(&error);
    Status s = code == ZIP_ER_NOZIP || code == ZIP_ER_INCONS
                   ? not_zip(bytes)
                   : InvalidArgument(name + ": not a readable XLSX workbook: " + zip_error_strerror(&error));
    zip_error_fini(&error);
    return s;
  }
  zip_error_fini(&error);
  return Status::Ok();
}

Result<std::optional<Part>> XlsxReader::Impl::OpenPart(const std::string& part_name) {
  const zip_int64_t index = zip_name_locate(zip.get(), part_name.c_str(), ZIP_FL_NOCASE);
  if (index < 0) return std::optional<Part>();
  const std::string where = Where(part_name);
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(zip.get(), static_cast<zip_uint64_t>(index), 0, &st) != 0) {
    return InvalidArgument(where + zip_strerror(zip.get()));
  }
  if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) && st.encryption_method != ZIP_EM_NONE) {
    return InvalidArgument(where + "is encrypted; save the workbook without a password");
  }
  Part part;
  part.name = part_name;
  part.size = (st.valid & ZIP_STAT_SIZE) ? static_cast<int64_t>(st.size) : 0;
  part.compressed = (st.valid & ZIP_STAT_COMP_SIZE) ? static_cast<int64_t>(st.comp_size) : 0;
  if (part.size > options.max_part_bytes) {
    return InvalidArgument(where + "inflates to " + MiB(part.size) + ", over the limit of " +
                           MiB(options.max_part_bytes));
  }
  if (part.size > options.min_bomb_bytes && part.size > std::max<int64_t>(part.compressed, 1) * options.max_ratio) {
    return InvalidArgument(where + "inflates " + std::to_string(part.size / std::max<int64_t>(part.compressed, 1)) +
                           " times (" + MiB(part.size) + "), more than a spreadsheet does: refused as a zip bomb");
  }
  part.file.reset(zip_fopen_index(zip.get(), static_cast<zip_uint64_t>(index), 0));
  if (!part.file) {
    const int code = zip_error_code_zip(zip_get_error(zip.get()));
    if (code == ZIP_ER_NOPASSWD || code == ZIP_ER_WRONGPASSWD) {
      return InvalidArgument(where + "is encrypted; save the workbook without a password");
    }
    return InvalidArgument(where + "cannot be read: " + zip_strerror(zip.get()));
  }
  return std::optional<Part>(std::move(part));
}

Result<size_t> XlsxReader::Impl::ReadPart(Part& part, char* buf, size_t n) {
  const zip_int64_t got = zip_fread(part.file.get(), buf, n);
  if (got < 0) {
    return InvalidArgument(Where(part.name) + "cannot be read (a damaged or cut-short workbook?): " +
                           zip_error_strerror(zip_file_get_error(part.file.get())));
  }
  part.read += got;
  if (part.read > options.max_part_bytes) {
    return InvalidArgument(Where(part.name) + "inflates to more than " + MiB(options.max_part_bytes) + ", the limit");
  }
  return static_cast<size_t>(got);
}

Status XlsxReader::Impl::ParseWhole(const std::string& part_name, XmlHandler& handler, bool required) {
  TC_ASSIGN_OR_RETURN(std::optional<Part> part, OpenPart(part_name));
  if (!part) {
    if (!required) return Status::Ok();
    return InvalidArgument(name + ": not an XLSX workbook: it has no " + part_name);
  }
  ParserPtr p = handler.MakeParser();
  if (!p) return Internal("cannot create an XML parser");
  for (;;) {
    void* buf = XML_GetBuffer(p.get(), static_cast<int>(options.chunk_size));
    if (buf == nullptr) return Internal(Where(part_name) + "out of memory for the XML parser");
    TC_ASSIGN_OR_RETURN(size_t n, ReadPart(*part, static_cast<char*>(buf), options.chunk_size));
    const bool last = n == 0;
    if (XML_ParseBuffer(p.get(), static_cast<int>(n), last) != XML_STATUS_OK) {
      if (!handler.error().empty()) return InvalidArgument(Where(part_name) + handler.error());
      return InvalidArgument(Where(part_name) + "line " + std::to_string(XML_GetCurrentLineNumber(p.get())) +
                             ": malformed XML (" + XML_ErrorString(XML_GetErrorCode(p.get())) + ")");
    }
    if (last) return Status::Ok();
  }
}

Status XlsxReader::Impl::Load() {
  TC_RETURN_IF_ERROR(OpenArchive());
  // The workbook part, from the package's relationships (xl/workbook.xml as a rule).
  std::string workbook_part = "xl/workbook.xml";
  RelsHandler package_rels("");
  TC_RETURN_IF_ERROR(ParseWhole("_rels/.rels", package_rels, false));
  for (const auto& [id, rel] : package_rels.rels) {
    if (TypeIs(rel, "officeDocument")) workbook_part = rel.target;
  }
  WorkbookHandler workbook;
  TC_RETURN_IF_ERROR(ParseWhole(workbook_part, workbook, true));
  date1904 = workbook.date1904;
  RelsHandler rels(FolderOf(workbook_part));
  TC_RETURN_IF_ERROR(ParseWhole(RelsOf(workbook_part), rels, true));

  std::string sheet_part_name;
  for (const WorkbookHandler::Sheet& s : workbook.sheets) {
    const auto rel = rels.rels.find(s.rel_id);
    if (rel == rels.rels.end() || !TypeIs(rel->second, "worksheet")) continue;  // a chart sheet, say
    sheet_names.push_back(s.name);
    if (sheet_part_name.empty() && (options.sheet.empty() || options.sheet == s.name)) {
      sheet = s.name;
      sheet_part_name = rel->second.target;
    }
  }
  if (sheet_names.empty()) return InvalidArgument(name + ": " + workbook_part + ": the workbook has no worksheet");
  if (sheet_part_name.empty()) {
    std::string names;
    for (const std::string& n : sheet_names) names += (names.empty() ? "" : ", ") + n;
    return InvalidArgument(name + ": no worksheet named '" + options.sheet + "' (it has " + names + ")");
  }

  std::string shared_part, styles_part;
  for (const auto& [id, rel] : rels.rels) {
    if (TypeIs(rel, "sharedStrings")) shared_part = rel.target;
    if (TypeIs(rel, "styles")) styles_part = rel.target;
  }
  SharedStringsHandler strings(shared);
  TC_RETURN_IF_ERROR(
      ParseWhole(shared_part.empty() ? FolderOf(workbook_part) + "sharedStrings.xml" : shared_part, strings, false));
  StylesHandler styles;
  TC_RETURN_IF_ERROR(
      ParseWhole(styles_part.empty() ? FolderOf(workbook_part) + "styles.xml" : styles_part, styles, false));
  xf_kinds = styles.Kinds();

  TC_ASSIGN_OR_RETURN(std::optional<Part> part, OpenPart(sheet_part_name));
  if (!part) return InvalidArgument(name + ": the worksheet '" + sheet + "' has no part " + sheet_part_name);
  sheet_part = std::move(*part);
  parser = MakeParser();
  if (!parser) return Internal("cannot create an XML parser");
  return Status::Ok();
}

void XlsxReader::Impl::Start(std::string_view element, const XML_Char** atts) {
  if (in_cell) {
    if (element == "is") {
      ++in_inline;
    } else if (element == "rPh") {
      ++in_phonetic;
    } else if (element == "v") {
      capture = in_inline == 0;
    } else if (element == "t") {
      capture = in_inline > 0 && in_phonetic == 0;
    }
    return;
  }
  if (element == "c" && in_row) {
    in_cell = true;
    cell_text.clear();
    capture = false;
    in_inline = in_phonetic = 0;
    cell_column = last_column + 1;
    cell_ref.clear();
    if (const XML_Char* r = Attr(atts, "r"); r != nullptr) {
      cell_ref = r;
      if (auto ref = xlsx::ParseCellRef(r)) {
        cell_column = ref->column;
      } else {
        RowError("cell '" + cell_ref + "': not a cell reference");
      }
    }
    last_column = cell_column;
    cell_type = CellType::kNumber;
    if (const XML_Char* t = Attr(atts, "t"); t != nullptr) {
      const std::string_view type = t;
      if (type == "s")
        cell_type = CellType::kShared;
      else if (type == "inlineStr")
        cell_type = CellType::kInline;
      else if (type == "str")
        cell_type = CellType::kString;
      else if (type == "b")
        cell_type = CellType::kBool;
      else if (type == "e")
        cell_type = CellType::kError;
      else if (type == "d")
        cell_type = CellType::kIsoDate;
    }
    const XML_Char* s = Attr(atts, "s");
    cell_style = s == nullptr ? 0 : std::atoi(s);
  } else if (element == "row" && in_sheet_data) {
    in_row = true;
    width = 0;
    last_column = -1;
    row_error.clear();
    int64_t line = last_row + 1;
    if (const XML_Char* r = Attr(atts, "r"); r != nullptr) {
      int64_t n = 0;
      const std::string_view text = r;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
      if (ec == std::errc() && end == text.data() + text.size() && n > 0) line = n;
    }
    current.line = last_row = line;
  } else if (element == "sheetData") {
    in_sheet_data = true;
  }
}

void XlsxReader::Impl::End(std::string_view element) {
  if (in_cell) {
    if (element == "is") {
      --in_inline;
    } else if (element == "rPh") {
      --in_phonetic;
    } else if (element == "v" || element == "t") {
      capture = false;
    } else if (element == "c") {
      in_cell = false;
      EndCell();
    }
    return;
  }
  if (element == "row" && in_row) {
    in_row = false;
    current.fields.resize(width);
    if (!row_error.empty()) {
      ready = Ready::kError;
    } else if (width > 0) {
      ready = Ready::kRow;
    } else {
      return;  // an empty row: skipped
    }
    XML_StopParser(parser.get(), XML_TRUE);
  } else if (element == "sheetData") {
    in_sheet_data = false;
  }
}

void XlsxReader::Impl::EndCell() {
  std::string value;
  switch (cell_type) {
    case CellType::kShared: {
      const std::string_view text = TrimSpace(cell_text);
      size_t index = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), index);
      if (text.empty()) break;
      if (ec != std::errc() || end != text.data() + text.size() || index >= shared.size()) {
        RowError(ColumnName(cell_column) + ": shared string " + std::string(text) +
                 " does not exist (the workbook has " + std::to_string(shared.size()) + ")");
        return;
      }
      value = shared[index];
      break;
    }
    case CellType::kInline:
    case CellType::kString:
      value = std::move(cell_text);
      xlsx::DecodeEscapes(value);
      break;
    case CellType::kBool:
      value = cell_text == "1" ? "TRUE" : cell_text == "0" ? "FALSE" : cell_text;
      break;
    case CellType::kError:
    case CellType::kIsoDate:
      value = std::move(cell_text);
      break;
    case CellType::kNumber:
      if (cell_text.empty()) break;
      if (cell_style > 0 && static_cast<size_t>(cell_style) < xf_kinds.size() &&
          xf_kinds[cell_style] != NumberKind::kNumber) {
        if (auto date = xlsx::SerialText(cell_text, xf_kinds[cell_style], date1904)) {
          value = std::move(*date);
          break;
        }
      }
      value = xlsx::NumberText(cell_text);
      break;
  }
  if (value.empty()) return;
  if (cell_column >= options.max_columns) {
    RowError("cell " + (cell_ref.empty() ? xlsx::ColumnLetters(cell_column) : cell_ref) + ": a value in column " +
             std::to_string(cell_column + 1) + ", right of the " + std::to_string(options.max_columns) +
             " columns read");
    return;
  }
  for (unsigned char c : value) {
    if (c >= 0x20 || c == '\t' || c == '\r' || c == '\n') continue;
    char hex[8];
    std::snprintf(hex, sizeof hex, "0x%02X", c);
    RowError(ColumnName(cell_column) + ": a control character (" + hex + (c == 0 ? ", NUL" : "") +
             ") in the cell; only tab, CR and LF may appear in text");
    return;
  }
  const auto column = static_cast<size_t>(cell_column);
  if (column >= width) {
    for (size_t k = width; k < column; ++k) {
      if (k < current.fields.size())
        current.fields[k].clear();
      else
        current.fields.emplace_back();
    }
    if (column < current.fields.size())
      current.fields[column] = std::move(value);
    else
      current.fields.push_back(std::move(value));
    width = column + 1;
  } else {
    current.fields[column] = std::move(value);
  }
}

Status XlsxReader::Impl::Pump() {
  XML_Status status;
  if (suspended) {
    suspended = false;
    status = XML_ResumeParser(parser.get());
  } else {
    void* buf = XML_GetBuffer(parser.get(), static_cast<int>(options.chunk_size));
    if (buf == nullptr) return Internal(Where(sheet_part.name) + "out of memory for the XML parser");
    TC_ASSIGN_OR_RETURN(size_t n, ReadPart(sheet_part, static_cast<char*>(buf), options.chunk_size));
    fed_final = n == 0;
    status = XML_ParseBuffer(parser.get(), static_cast<int>(n), fed_final);
  }
  if (status == XML_STATUS_SUSPENDED) {
    suspended = true;
    return Status::Ok();
  }
  if (status == XML_STATUS_ERROR) {
    if (!error().empty()) return InvalidArgument(Where(sheet_part.name) + error());
    return InvalidArgument(Where(sheet_part.name) + "line " + std::to_string(XML_GetCurrentLineNumber(parser.get())) +
                           ": malformed XML (" + XML_ErrorString(XML_GetErrorCode(parser.get())) + ")");
  }
  if (fed_final) parse_done = true;
  return Status::Ok();
}

XlsxReader::XlsxReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
XlsxReader::~XlsxReader() = default;

Result<std::unique_ptr<XlsxReader>> XlsxReader::Open(const std::string& path, XlsxOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->name = path;
  impl->path = path;
  impl->options = std::move(options);
  impl->options.chunk_size = std::clamp<size_t>(impl->options.chunk_size, 1, size_t{1} << 30);
  TC_RETURN_IF_ERROR(impl->Load());
  return std::unique_ptr<XlsxReader>(new XlsxReader(std::move(impl)));
}

Result<std::unique_ptr<XlsxReader>> XlsxReader::FromBytes(std::string bytes, std::string_view name,
                                                          XlsxOptions options) {
  auto impl = std::make_unique<Impl>();
  impl->name = std::string(name);
  impl->options = std::move(options);
  impl->options.chunk_size = std::clamp<size_t>(impl->options.chunk_size, 1, size_t{1} << 30);
  impl->bytes = std::move(bytes);
  TC_RETURN_IF_ERROR(impl->Load());
  return std::unique_ptr<XlsxReader>(new XlsxReader(std::move(impl)));
}

Result<std::vector<std::string>> XlsxReader::ReadHeader() {
  Row row;
  TC_ASSIGN_OR_RETURN(bool found, Next(row));
  if (!found) return InvalidArgument(impl_->name + ": the sheet '" + impl_->sheet + "' is empty: it has no header row");
  for (std::string& field : row.fields) field = std::string(TrimSpace(field));
  impl_->header = row.fields;
  return std::move(row.fields);
}

Result<bool> XlsxReader::Next(Row& row) {
  Impl& m = *impl_;
  m.skipped = 0;
  if (!m.final_error.ok()) return m.final_error;
  for (;;) {
    if (m.ready == Impl::Ready::kRow) {
      m.ready = Impl::Ready::kNone;
      std::swap(row.fields, m.current.fields);
      row.line = m.current.line;
      return true;
    }
    if (m.ready == Impl::Ready::kError) {
      m.ready = Impl::Ready::kNone;
      m.skipped = m.current.line;
      return InvalidArgument(m.row_error);
    }
    if (m.parse_done) return false;
    if (Status s = m.Pump(); !s.ok()) {
      m.final_error = s;
      return s;
    }
  }
}

int64_t XlsxReader::bytes_read() const {
  const Impl& m = *impl_;
  if (m.parse_done || m.sheet_part.size <= 0) return m.parse_done ? m.file_size : 0;
  return std::min(m.file_size, m.file_size * m.sheet_part.read / m.sheet_part.size);
}

int64_t XlsxReader::skipped_record() const { return impl_->skipped; }
const std::string& XlsxReader::sheet_name() const { return impl_->sheet; }
const std::vector<std::string>& XlsxReader::sheet_names() const { return impl_->sheet_names; }

}  // namespace tc::io
