// The ITU-T G.107 (06/2015) E-model, narrowband: the transmission rating R and the MOS it
// predicts (Annex B). Every parameter not listed here keeps G.107's default (Table 3: SLR 8,
// RLR 2, STMR 15, LSTR 18, Ds 3, Dr 3, TELR 65, WEPL 110, qdu 1, Nc -70, Nfor -64, Ps 35,
// Pr 35, A 0, mT 100, sT 1), so R is 93.2 for an unimpaired G.711 call without delay.
#pragma once

namespace sipdx::media {

struct EModelInputs {
    double ie = 0;      // equipment impairment of the codec (G.113 Appendix I)
    double bpl = 1;     // packet-loss robustness of the codec (G.113 Appendix I)
    double ppl = 0;     // packet loss, percent
    double burst_r = 1; // burst ratio: 1 for random loss, > 1 for bursty loss
    double t_ms = 0;    // mean one-way delay of the echo path
    double ta_ms = 0;   // absolute one-way delay
    double tr_ms = 0;   // round-trip delay in the 4-wire loop
};

struct EModelResult {
    double r = 0;
    double ro = 0;     // basic signal-to-noise ratio
    double is = 0;     // simultaneous impairment
    double id = 0;     // delay impairment
    double ie_eff = 0; // effective equipment impairment (codec and loss)
    double mos = 0;
};

EModelResult emodel(const EModelInputs& inputs);
// G.107 Annex B: 1 below R 0, 4.5 from R 100.
double mos_from_r(double r);

} // namespace sipdx::media
