"""Feedback: error reports, objections, rights complaints with suspension, data demands, use results."""
