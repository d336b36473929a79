#include <sipdx/output/knowledge_json.h>

#include <sipdx/knowledge/q850.h>

#include <string>

namespace sipdx::output {

using namespace sipdx::knowledge;

nlohmann::ordered_json code_to_json(const ResponseCode& c) {
    nlohmann::ordered_json j;
    j["kind"] = "response-code";
    j["code"] = c.code;
    j["reason"] = std::string(c.reason);
    j["class"] = c.status_class();
    const auto cls = status_class(c.status_class());
    j["class_name"] = cls ? std::string(cls->name) : std::string();
    j["category"] = std::string(category_id(c.category));
    j["category_label"] = std::string(category_label(c.category));
    j["registered"] = c.registered;
    j["treated_as"] = c.treated_as;
    j["deprecated"] = c.deprecated;
    auto& refs = j["references"] = nlohmann::ordered_json::array();
    for (auto r : c.references)
        refs.push_back(std::string(r));
    j["meaning"] = std::string(c.meaning);
    j["ims_context"] = std::string(c.ims_context);
    j["retry"] = std::string(c.retry);
    auto& checks = j["next_checks"] = nlohmann::ordered_json::array();
    for (auto n : c.next_checks)
        checks.push_back(std::string(n));
    auto& related = j["related"] = nlohmann::ordered_json::array();
    for (int r : c.related) {
        const auto* e = find_registered(r);
        related.push_back({{"code", r}, {"reason", e ? std::string(e->reason) : std::string()}});
    }
    auto& seen = j["seen_phrases"] = nlohmann::ordered_json::array();
    for (auto p : c.seen_phrases)
        seen.push_back(std::string(p));
    const auto sent = q850_for_sip(c.code);
    if (sent) {
        const auto* q = find_q850(*sent);
        j["q850_sent"] = {{"cause", *sent}, {"name", q ? std::string(q->name) : std::string()}};
    } else {
        j["q850_sent"] = nullptr;
    }
    auto& causes = j["q850_causes"] = nlohmann::ordered_json::array();
    for (int cause : q850_causes_mapping_to(c.code)) {
        const auto* q = find_q850(cause);
        causes.push_back({{"cause", cause}, {"name", q ? std::string(q->name) : std::string()}});
    }
    return j;
}

nlohmann::ordered_json q850_to_json(int cause) {
    nlohmann::ordered_json j;
    j["kind"] = "q850-cause";
    j["cause"] = cause;
    const auto* q = find_q850(cause);
    j["defined"] = q != nullptr;
    j["name"] = q ? std::string(q->name) : std::string();
    j["cause_class"] = std::string(q ? q->cause_class : q850_class_of(cause));
    j["meaning"] = q ? std::string(q->meaning) : std::string();
    j["sip_code"] = (q && q->sip_code) ? nlohmann::ordered_json(*q->sip_code) : nullptr;
    j["alt_sip_code"] = (q && q->alt_sip_code) ? nlohmann::ordered_json(*q->alt_sip_code) : nullptr;
    j["mapping_note"] = q ? std::string(q->mapping_note) : std::string();
    return j;
}

nlohmann::ordered_json warn_code_to_json(int code) {
    nlohmann::ordered_json j;
    j["kind"] = "warn-code";
    j["code"] = code;
    const auto* w = find_warning(code);
    j["registered"] = w != nullptr;
    j["text"] = w ? std::string(w->text) : std::string();
    j["meaning"] = w ? std::string(w->meaning) : std::string();
    j["reference"] = w ? std::string(w->reference) : std::string();
    return j;
}

nlohmann::ordered_json reason_to_json(const std::vector<ReasonValue>& values) {
    nlohmann::ordered_json j;
    j["kind"] = "reason-header";
    auto& arr = j["values"] = nlohmann::ordered_json::array();
    for (const auto& v : values) {
        nlohmann::ordered_json e;
        e["protocol"] = v.protocol;
        const auto* protocol = find_reason_protocol(v.protocol);
        e["protocol_registered"] = protocol != nullptr;
        e["protocol_description"] = protocol ? std::string(protocol->description) : std::string();
        e["cause"] = v.cause ? nlohmann::ordered_json(*v.cause) : nullptr;
        e["cause_meaning"] = std::string(v.cause_meaning());
        // 3GPP protocols only, so the values of Q.850 and SIP keep their shape.
        if (const auto* table = v.cause_table()) {
            e["cause_table"] = std::string(table->id);
            e["cause_source"] = std::string(table->source);
            const auto* c = v.cause_3gpp();
            e["cause_detail"] = c != nullptr ? std::string(c->meaning) : std::string();
        }
        e["text"] = v.text;
        auto& params = e["params"] = nlohmann::ordered_json::object();
        for (const auto& [name, value] : v.params)
            params[name] = value;
        e["problems"] = v.problems;
        arr.push_back(std::move(e));
    }
    return j;
}

nlohmann::ordered_json cause_to_json(const CauseTableInfo& table, int value) {
    nlohmann::ordered_json j;
    j["kind"] = "3gpp-cause";
    j["protocol"] = std::string(table.protocol);
    j["table"] = std::string(table.id);
    j["title"] = std::string(table.title);
    j["source"] = std::string(table.source);
    j["cause"] = value;
    const auto* c = find_cause(table.table, value);
    j["listed"] = c != nullptr;
    j["name"] = c ? std::string(c->name) : std::string();
    j["meaning"] = c ? std::string(c->meaning) : std::string();
    j["reason_header"] = std::string(table.protocol) + ";cause=" + std::to_string(value);
    return j;
}

nlohmann::ordered_json access_network_to_json(const std::vector<AccessNetwork>& values) {
    nlohmann::ordered_json j;
    j["kind"] = "access-network";
    auto& arr = j["values"] = nlohmann::ordered_json::array();
    for (const auto& a : values) {
        nlohmann::ordered_json e;
        e["access_type"] = a.access_type;
        e["family"] = std::string(to_string(a.family));
        e["is_3gpp"] = a.is_3gpp();
        e["description"] = std::string(a.description);
        e["network_provided"] = a.network_provided;
        e["cell_param"] = a.cell_param;
        e["cell_value"] = a.cell_value;
        e["mcc"] = a.mcc;
        e["mnc"] = a.mnc;
        e["area_kind"] = a.area_kind;
        e["area_code"] = a.area_code;
        e["cell_kind"] = a.cell_kind;
        e["cell_identity"] = a.cell_identity;
        e["wlan_node"] = a.wlan_node;
        e["local_time_zone"] = a.local_time_zone;
        auto& params = e["params"] = nlohmann::ordered_json::object();
        for (const auto& [name, value] : a.other_params)
            params[name] = value;
        e["problems"] = a.problems;
        e["summary"] = a.summary();
        arr.push_back(std::move(e));
    }
    return j;
}

nlohmann::ordered_json warning_to_json(const std::vector<WarningValue>& values) {
    nlohmann::ordered_json j;
    j["kind"] = "warning-header";
    auto& arr = j["values"] = nlohmann::ordered_json::array();
    for (const auto& v : values) {
        nlohmann::ordered_json e;
        e["code"] = v.code;
        e["code_meaning"] = std::string(v.code_meaning());
        e["agent"] = v.agent;
        e["text"] = v.text;
        e["problems"] = v.problems;
        arr.push_back(std::move(e));
    }
    return j;
}

} // namespace sipdx::output
