// The field values of the demo records: realistic-looking data from small word lists.
//
// Each record draws from two generators: one keyed by (seed, stream, id) alone for the fields that never
// change (names, e-mail, creation time), one keyed by the version of the record's content for the fields an
// update changes (address, tags, prices, status...). So an update keeps who a record is and changes what it
// says, and generating one record never needs another.
#include "sources/demo/demo_dataset.h"
#include "sources/demo/demo_random.h"

#include <cmath>
#include <string_view>
#include <utility>

namespace sluice::core {

using demo::Rng;

namespace {
constexpr uint64_t kSaltIdentity = 0x6964656eULL;
constexpr int64_t kDayMs = 86'400'000;

const char* const kFirstNames[] = {"Olivia", "Liam",   "Emma",  "Noah",  "Amelia", "Oliver",
                                   "Sophia", "Elijah", "Mia",   "Lucas", "Chloe",  "Mateo",
                                   "Léa",    "Hugo",   "Aisha", "Kenji", "Sofia",  "Ivan",
                                   "Priya",  "Omar",   "Zoe",   "Louis", "Ingrid", "Diego"};
const char* const kLastNames[] = {"Smith",  "Johnson", "Martin", "Garcia",   "Dubois", "Müller", "Rossi",
                                  "Tanaka", "Nguyen",  "Silva",  "Kowalski", "Novak",  "Jensen", "Okafor",
                                  "Petrov", "Haddad",  "Kim",    "Lopez",    "Brown",  "Moreau", "Fischer"};
const char* const kDomains[] = {"example.com", "mail.test", "demo.org", "inbox.example", "corp.test"};
const char* const kStreets[] = {"Maple", "Oak",    "Elm",      "Harbor", "Station", "Church",
                                "Mill",  "Park",   "Lake",     "River",  "Cedar",   "King",
                                "Queen", "Garden", "Victoria", "Bridge"};
const char* const kStreetKinds[] = {"Street", "Avenue", "Road", "Lane", "Boulevard", "Way"};
const char* const kCities[] = {"Lyon",     "Porto",   "Leeds", "Austin", "Osaka",  "Ghent",  "Bergen",
                               "Montreal", "Seville", "Turin", "Kraków", "Denver", "Dublin", "Adelaide"};
const char* const kTags[] = {"vip",    "newsletter", "beta",  "churn-risk",
                             "mobile", "enterprise", "trial", "referral"};
const char* const kAdjectives[] = {"Ergonomic", "Rustic",  "Sleek",    "Compact", "Durable",     "Handmade",
                                   "Smart",     "Classic", "Portable", "Premium", "Lightweight", "Vintage"};
const char* const kMaterials[] = {"Steel",  "Wooden",  "Cotton", "Leather",
                                  "Bamboo", "Granite", "Glass",  "Wool"};
const char* const kNouns[] = {"Chair", "Lamp",    "Backpack", "Kettle",   "Desk",   "Blanket",
                              "Mug",   "Speaker", "Bottle",   "Notebook", "Jacket", "Clock"};
const char* const kCategories[] = {"home",        "office",  "outdoor", "kitchen",
                                   "electronics", "apparel", "garden"};
const char* const kColors[] = {"black", "white", "red", "navy", "olive", "sand", "teal", "silver"};
const char* const kStatuses[] = {"pending", "paid", "shipped", "delivered", "cancelled", "refunded"};

double cents(double v) {
    return std::round(v * 100.0) / 100.0;
}

void appendJsonString(std::string& out, std::string_view s) {
    out += '"';
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    out += '"';
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        if (c >= 'A' && c <= 'Z')
            c = static_cast<char>(c - 'A' + 'a');
    return out;
}

// E-mail addresses stay ASCII: the accented letters of the word lists lose their accent.
std::string emailPart(std::string_view s) {
    static const std::pair<std::string_view, char> accents[] = {{"é", 'e'}, {"ü", 'u'}, {"ó", 'o'}};
    std::string out;
    const std::string l = lower(s);
    for (size_t i = 0; i < l.size(); ++i) {
        if (l[i] >= 'a' && l[i] <= 'z') {
            out += l[i];
            continue;
        }
        for (const auto& [from, to] : accents)
            if (l.compare(i, from.size(), from) == 0) {
                out += to;
                i += from.size() - 1;
                break;
            }
    }
    return out;
}

std::string address(Rng& r) {
    std::string a = "{\"street\":";
    appendJsonString(a,
                     std::to_string(r.between(1, 250)) + " " + r.pick(kStreets) + " " + r.pick(kStreetKinds));
    a += ",\"city\":";
    appendJsonString(a, r.pick(kCities));
    a += ",\"zip\":";
    const int64_t zip = r.between(1000, 99999);
    appendJsonString(a, std::string(zip < 10000 ? "0" : "") + std::to_string(zip));
    a += ",\"unit\":";
    if (r.chance(0.7))
        a += "null";
    else
        appendJsonString(a, "Apt " + std::to_string(r.between(1, 40)));
    a += '}';
    return a;
}

std::string tags(Rng& r) {
    std::string t = "[";
    const uint64_t n = r.below(4);
    const uint64_t first = r.below(std::size(kTags));
    for (uint64_t i = 0; i < n; ++i) {
        if (i)
            t += ',';
        appendJsonString(t, kTags[(first + i * 3) % std::size(kTags)]);
    }
    t += ']';
    return t;
}

std::string attributes(Rng& r) {
    std::string a = "{\"color\":";
    appendJsonString(a, r.pick(kColors));
    a += ",\"weight_kg\":" + std::to_string(r.between(1, 200) / 10) + "." + std::to_string(r.below(10));
    a += ",\"dimensions\":{\"w\":" + std::to_string(r.between(5, 120));
    a += ",\"h\":" + std::to_string(r.between(5, 120)) + ",\"d\":" + std::to_string(r.between(2, 80)) + "}";
    a += ",\"warranty_years\":";
    a += r.chance(0.4) ? std::string("null") : std::to_string(r.between(1, 5));
    a += '}';
    return a;
}
} // namespace

void DemoDataset::users(int64_t id, const DemoHistory& h, std::vector<Value>& out) const {
    Rng fixed(key(DemoStream::Users, id, kSaltIdentity));
    Rng now(key(DemoStream::Users, id, static_cast<uint64_t>(h.content)));
    const std::string first = fixed.pick(kFirstNames);
    const std::string last = fixed.pick(kLastNames);
    std::string email =
        emailPart(first) + "." + emailPart(last) + std::to_string(id) + "@" + fixed.pick(kDomains);
    const bool noAge = fixed.chance(0.1);
    const int64_t age = fixed.between(18, 85);
    const int64_t created = m_baseMs - static_cast<int64_t>(fixed.below(3 * 365 * kDayMs));

    out.push_back(Value::integer(id));
    out.push_back(Value::text(first + " " + last));
    out.push_back(Value::text(std::move(email)));
    out.push_back(noAge ? Value::null() : Value::integer(age));
    out.push_back(Value::json(address(now)));
    out.push_back(Value::json(tags(now)));
    out.push_back(Value::boolean(now.chance(0.85)));
    out.push_back(Value::real(cents(now.unit() * 100.0)));
    out.push_back(Value::text(demoIsoTime(created)));
}

void DemoDataset::products(int64_t id, const DemoHistory& h, std::vector<Value>& out) const {
    Rng fixed(key(DemoStream::Products, id, kSaltIdentity));
    Rng now(key(DemoStream::Products, id, static_cast<uint64_t>(h.content)));
    std::string name =
        std::string(fixed.pick(kAdjectives)) + " " + fixed.pick(kMaterials) + " " + fixed.pick(kNouns);

    out.push_back(Value::integer(id));
    out.push_back(Value::text(std::move(name)));
    out.push_back(Value::text(fixed.pick(kCategories)));
    out.push_back(Value::real(cents(2.0 + now.unit() * 498.0)));
    out.push_back(Value::boolean(now.chance(0.8)));
    out.push_back(Value::json(attributes(now)));
}

void DemoDataset::purchases(int64_t id, const DemoHistory& h, std::vector<Value>& out) const {
    Rng fixed(key(DemoStream::Purchases, id, kSaltIdentity));
    Rng now(key(DemoStream::Purchases, id, static_cast<uint64_t>(h.content)));
    const uint64_t refs = static_cast<uint64_t>(std::max<int64_t>(m_count, 1));
    const int64_t quantity = fixed.between(1, 5);
    const double unitPrice = 2.0 + fixed.unit() * 198.0;
    const int64_t purchased = changeTimeMs(h.born, id) - static_cast<int64_t>(fixed.below(2 * kDayMs));
    // A new purchase is still open; later versions move it along (or cancel it).
    const char* status = h.content == h.born ? kStatuses[now.below(3)] : now.pick(kStatuses);

    out.push_back(Value::integer(id));
    out.push_back(Value::integer(static_cast<int64_t>(fixed.below(refs)) + 1));
    out.push_back(Value::integer(static_cast<int64_t>(fixed.below(refs)) + 1));
    out.push_back(Value::integer(quantity));
    out.push_back(Value::real(cents(unitPrice * static_cast<double>(quantity))));
    out.push_back(Value::text(status));
    out.push_back(Value::text(demoIsoTime(purchased)));
}

} // namespace sluice::core
