// Precompiled header for the few translation units that need LibTorch; compiling <torch/torch.h> takes ~20 s a TU.
#pragma once
#include <torch/torch.h>
