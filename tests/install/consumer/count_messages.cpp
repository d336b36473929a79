// Counts SIP messages with one stage of an installed sipdx (sipdx::decode and what it needs).
#include <sipdx/decode/message_reader.h>

#include <cstdio>
#include <string>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: count_messages CAPTURE\n");
        return 2;
    }
    sipdx::decode::MessageReaderOptions options;
    options.detail = sipdx::decode::MessageDetail::framing;
    sipdx::decode::MessageReader reader({std::string(argv[1])}, options);
    unsigned long long messages = 0;
    while (reader.next() != nullptr)
        ++messages;
    std::printf("%llu\n", messages);
    return reader.inputs().at(0).clean() ? 0 : 1;
}
