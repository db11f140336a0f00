// A captured-style Yosys 0.23 `stat -liberty` log and a matching mini
// liberty, shared by the parser tests (areas are the real sky130hd ones).
#pragma once

namespace flexcim::synth::testing {

inline constexpr char kMiniLiberty[] = R"(library ("sky130_fd_sc_hd__tt_025C_1v80") {
    cell ("sky130_fd_sc_hd__dfxtp_1") {
        area : 20.019200000;
        ff ("IQ","IQ_N") {
            clocked_on : "CLK";
        }
    }
    cell ("sky130_fd_sc_hd__nand2_1") {
        area : 3.7536000000;
    }
    cell ("sky130_fd_sc_hd__xor2_1") {
        area : 8.7584000000;
    }
    cell ("sky130_fd_sc_hd__lpflow_isobufsrc_1") {
        area : 8.7584000000;
    }
}
)";

inline constexpr char kStatLog[] = R"(
9. Printing statistics.

=== flexcim_mul_x ===

   Number of wires:                 12
   Number of wire bits:             40
   Number of public wires:           3
   Number of public wire bits:      32
   Number of memories:               0
   Number of memory bits:            0
   Number of processes:              0
   Number of cells:                  5
     sky130_fd_sc_hd__nand2_1        3
     sky130_fd_sc_hd__xor2_1         2

   Chip area for module '\flexcim_mul_x': 28.777600

=== flexcim_storage_x ===

   Number of wires:                  9
   Number of wire bits:              9
   Number of public wires:           3
   Number of public wire bits:       9
   Number of memories:               0
   Number of memory bits:            0
   Number of processes:              0
   Number of cells:                  9
     sky130_fd_sc_hd__dfxtp_1        9

   Chip area for module '\flexcim_storage_x': 180.172800

=== flexcim_submacro_x ===

   Number of wires:                  5
   Number of wire bits:             49
   Number of public wires:           5
   Number of public wire bits:      49
   Number of memories:               0
   Number of memory bits:            0
   Number of processes:              0
   Number of cells:                  7
     flexcim_mul_x                   2
     flexcim_storage_x               1
     sky130_fd_sc_hd__dfxtp_1        4

   Area for cell type \flexcim_mul_x is unknown!
   Area for cell type \flexcim_storage_x is unknown!

   Chip area for module '\flexcim_submacro_x': 80.076800

=== flexcim_top ===

   Number of wires:                  5
   Number of wire bits:             66
   Number of public wires:           5
   Number of public wire bits:      66
   Number of memories:               0
   Number of memory bits:            0
   Number of processes:              0
   Number of cells:                  3
     flexcim_submacro_x              2
     sky130_fd_sc_hd__nand2_1        1

   Area for cell type \flexcim_submacro_x is unknown!

   Chip area for module '\flexcim_top': 3.753600

=== design hierarchy ===

   flexcim_top                       1
     flexcim_submacro_x              2
       flexcim_mul_x                 2
       flexcim_storage_x             1

   Number of wires:                 99
   Number of cells:                 45
     sky130_fd_sc_hd__dfxtp_1       26
     sky130_fd_sc_hd__nand2_1       13
     sky130_fd_sc_hd__xor2_1         8

   Chip area for top module '\flexcim_top': 639.363200

)";

}  // namespace flexcim::synth::testing
