// The decode pipeline's front door. The work is done by the layer analyzers in layers/, one
// file each, reached through the dispatch table of layers/table.cpp (see docs/decode.md).
#include <sipdx/decode/pipeline.h>

#include "decode/layers/decoder.h"

namespace sipdx::decode {

struct Pipeline::Impl {
    Impl(Sink sink, PipelineOptions options) : decoder(options, std::move(sink)) {}
    layers::Decoder decoder;
};

Pipeline::Pipeline(Sink sink, PipelineOptions options)
    : m_impl(std::make_unique<Impl>(std::move(sink), options)) {}
Pipeline::~Pipeline() = default;

void Pipeline::add_consumer(PayloadConsumer& consumer) {
    m_impl->decoder.add_consumer(consumer);
}
void Pipeline::feed(const capture::Frame& frame) {
    m_impl->decoder.feed(frame);
}
void Pipeline::finish() {
    m_impl->decoder.finish();
}
const Stats& Pipeline::stats() const {
    return m_impl->decoder.stats;
}

} // namespace sipdx::decode
