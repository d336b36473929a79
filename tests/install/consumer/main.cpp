// Counts what an installed sipdx finds in a capture: messages through the message reader, then
// Call-IDs and one call's outcome and explanation through the analyzer.
#include <sipdx/sipdx.h>

#include <cstdio>
#include <string>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: consumer CAPTURE CALL-ID\n");
        return 2;
    }
    const std::string capture = argv[1];
    const std::string call_id = argv[2];

    unsigned long long messages = 0;
    sipdx::decode::MessageReader reader({capture});
    while (reader.next() != nullptr)
        ++messages;

    sipdx::analysis::AnalyzeOptions options;
    options.threads = 1;
    sipdx::analysis::Analyzer analyzer(options);
    std::string about_call;
    analyzer.on_record([&](sipdx::session::CallRecord&& record) {
        if (record.call_id != call_id) return;
        about_call = std::string(sipdx::session::to_string(record.outcome)) + " " +
                     std::to_string(record.final_code) + ": " + sipdx::analysis::explain(record);
    });
    const sipdx::analysis::RunResult run = analyzer.run({capture});

    std::printf("messages %llu\n", messages);
    std::printf("call_ids %llu\n", static_cast<unsigned long long>(analyzer.summary().records()));
    std::printf("call %s\n", about_call.c_str());
    return run.exit_code();
}
