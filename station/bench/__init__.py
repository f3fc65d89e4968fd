"""`station bench` sections: pose, kernels, pipeline. Each returns a dict of figures;
all are measured in one run so ratios are fair on a noisy machine."""
